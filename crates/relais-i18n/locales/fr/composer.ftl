# composer messages (fr). Keep the same keys in both languages.
