# Errors of the topic query language (relais-veille's Problem codes) and of
# the search box (relais-search's QueryError codes).

vquery-unclosed-quote = this quote is never closed
vquery-unclosed-quote-hint = end the phrase with a second "
vquery-field-without-value = { $field }: needs a value right after it
vquery-field-without-value-hint = { $field ->
    [site] write site:lemonde.fr, without a space after the colon
    [lang] write lang:fr or lang:en, without a space after the colon
   *[other] write { $field }:word, { $field }:"a phrase" or { $field }:(a OR b), without a space after the colon
}
vquery-unknown-field = unknown field “{ $field }:”
vquery-unknown-field-hint = the fields are title:, author:, source:, site: and lang: (put the word in quotes to search it as it is)
vquery-near-without-distance = NEAR needs a distance
vquery-near-without-distance-hint = write NEAR/5 for at most 5 words apart, NEAR/5f to keep the order
vquery-near-too-far = NEAR/{ $distance } is too far
vquery-near-too-far-hint = use at most NEAR/{ $max-near }
vquery-near-not-a-distance = “NEAR/{ $spec }” is not a distance
vquery-near-not-a-distance-hint = write NEAR/5 for at most 5 words apart, NEAR/5f to keep the order
vquery-too-long = the query is { $length } characters long, over the limit of { $max-chars }
vquery-too-long-hint = split it into several topics
vquery-empty = the query is empty
vquery-empty-hint = write at least one word, for example: grève OR "mouvement social"
vquery-unopened-parenthesis = this closing parenthesis was never opened
vquery-unopened-parenthesis-hint = remove it, or open the group earlier with (
vquery-unexpected = unexpected here
vquery-unexpected-hint = join it with AND, OR or NOT
vquery-only-exclusions = the query only excludes (NOT …)
vquery-only-exclusions-hint = say what to look for, for example: grève AND NOT "grève de la faim"
vquery-ends-too-soon = the query ends where a word was expected
vquery-ends-too-soon-hint = finish it with a word, a "phrase" or a group in ( )
vquery-too-deep = parentheses nest too deeply
vquery-too-deep-hint = use at most { $max-depth } levels
vquery-unclosed-parenthesis = this parenthesis is never closed
vquery-unclosed-parenthesis-hint = add a ) where the group ends
vquery-empty-group = a ) with nothing before it
vquery-empty-group-hint = put a word or a group before it, or remove it
vquery-operator-without-word = an operator where a word was expected
vquery-operator-without-word-hint = put a word or a "phrase" on both sides of AND and OR
vquery-misplaced-not = NOT cannot be used here
vquery-misplaced-not-hint = NOT applies to a whole term: a AND NOT b, or NOT (a OR b)
vquery-near-without-left = NEAR needs a word or phrase before it
vquery-near-without-left-hint = write: a NEAR/5 b
vquery-nested-field = a field inside another field
vquery-nested-field-hint = write the fields side by side: title:a AND author:b
vquery-near-operand = the part { $side ->
    [after] after
   *[other] before
} NEAR is not a word, a phrase or a group of them
vquery-near-operand-hint = NEAR takes words, prefixes and phrases, or (a OR b); no AND, NOT or fields other than title:
vquery-wildcard-not-at-end = * is only allowed at the end of a word
vquery-wildcard-not-at-end-hint = write elect* for the words starting with elect
vquery-exact-prefix = a word cannot be both exact (=) and a prefix (*)
vquery-exact-prefix-hint = drop the = or the *
vquery-no-letters = “{ $word }” has no letters or digits
vquery-no-letters-hint = search words; punctuation and symbols are ignored in posts
vquery-wildcard-in-phrase = * cannot be used inside quotes
vquery-wildcard-in-phrase-hint = a phrase is matched as written; put the prefix outside the quotes
vquery-empty-phrase = this phrase has no words
vquery-empty-phrase-hint = put words between the quotes, or remove them
vquery-not-a-site = “{ $value }” is not a site name
vquery-not-a-site-hint = write the host alone, for example site:lemonde.fr
vquery-not-a-language = “{ $value }” is not a language code
vquery-not-a-language-hint = use a two-letter ISO 639-1 code, for example lang:fr or lang:en

vsearch-too-long = the search is { $count } characters long, more than the { $max-chars } allowed
vsearch-too-long-hint = shorten it, or save it as a topic
vsearch-too-many-words = the search has { $count } words and phrases, more than the { $max-words } allowed
vsearch-too-many-words-hint = keep the words that matter most
vsearch-unclosed-quote = this quote is never closed
vsearch-unclosed-quote-hint = add the closing " after the phrase, or remove the quote
vsearch-double-not = NOT follows another NOT
vsearch-double-not-hint = write one NOT before the word to exclude
vsearch-not-without-word = NOT is not followed by a word or a phrase
vsearch-not-without-word-hint = write the word to exclude after NOT, or remove NOT
vsearch-excluded-in-or = an excluded word cannot be one side of OR
vsearch-excluded-in-or-hint = write the exclusion apart, as in `a OR b -c`
vsearch-or-without-word = OR needs a word or a phrase on each side
vsearch-or-without-word-hint = write `a OR b`, or remove OR (write `or` in lower case to search the word)
