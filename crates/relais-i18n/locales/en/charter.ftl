# charter messages (en). Keep the same keys in both languages.
