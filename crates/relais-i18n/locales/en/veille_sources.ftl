# Veille: sources, topics and the query tester (issue 5).
ws-nav-veille = Monitoring
veille-nav-label = Monitoring sections
veille-nav-sources = Sources
veille-nav-topics = Topics
veille-nav-test = Query tester

## Sources
vsource-title = Monitoring sources
vsource-help = The feeds, pages, Mastodon timelines and Bluesky streams relais reads for this workspace. Conditional requests ("304 Not Modified" answers) avoid downloading again what has not changed.
vsource-count = { $count ->
    [0] No source watched
    [one] One source watched
   *[other] { $count } sources watched
}
vsource-col-kind = Kind
vsource-col-source = Source
vsource-col-state = State
vsource-col-last-fetch = Last read
vsource-col-next-fetch = Next read
vsource-col-fetches = Reads
vsource-col-not-modified = 304 answers
vsource-col-downloaded = Downloaded
vsource-col-saved = Saved by 304s
vsource-col-items = Items collected
vsource-kind-feed = Feed (RSS, Atom, JSON Feed)
vsource-kind-page = Watched web page
vsource-kind-mastodon-tag = Mastodon hashtag
vsource-kind-mastodon-public = Mastodon public timeline
vsource-kind-bluesky = Bluesky firehose (PDS or relay)
vsource-kind-jetstream = Bluesky Jetstream
vsource-state-active = Active
vsource-state-failing = Failing
vsource-state-disabled = Disabled
vsource-last-error = Last error:
vsource-never = Never
vsource-continuous = Continuous
vsource-not-scheduled = Not scheduled
vsource-category = Category: { $category }
vsource-enable = Turn on
vsource-disable = Turn off
vsource-delete = Remove
vsource-enable-label = Turn on the source { $name }
vsource-disable-label = Turn off the source { $name }
vsource-delete-label = Remove the source { $name }
vsource-added = Source added: it will be read in the next few minutes.
vsource-enabled = Source turned on: it will be read in the next few minutes.
vsource-disabled = Source turned off.
vsource-deleted = Source removed. The items already collected are kept.
vsource-imported-added = { $count ->
    [0] No source added
    [one] One source added
   *[other] { $count } sources added
}
vsource-imported-skipped = { $count ->
    [0] none already watched
    [one] one already watched
   *[other] { $count } already watched
}
vsource-imported-invalid = { $count ->
    [one] one address ignored (neither http nor https)
   *[other] { $count } addresses ignored (neither http nor https)
}

vsource-add-title = Add a source
vsource-field-kind = Kind of source
vsource-field-url = Address
vsource-url-hint = Feed, page or Mastodon instance: an http(s) address. Bluesky streams: the wss:// (or https://) address of the PDS, relay or Jetstream.
vsource-field-selector = CSS selector (web pages)
vsource-selector-hint = For a web page only: the part of the page to watch, for example "main article" or "#news".
vsource-field-tag = Hashtag (Mastodon)
vsource-tag-hint = For a Mastodon hashtag only, without the #: for example "bakery".
vsource-field-title = Title (optional)
vsource-field-category = Category (optional)
vsource-field-interval = Reading interval, in minutes
vsource-interval-hint = Between { $min } and { $max } minutes. relais then adapts it to how often the source publishes and to what its server says; it does not apply to continuous streams.
vsource-add = Add the source
vsource-error-url = Enter a full address starting with http:// or https://.
vsource-error-url-stream = Enter a full address starting with wss://, ws://, https:// or http://.
vsource-error-url-long = This address is too long (2,000 characters at most).
vsource-error-kind = Choose a kind of source from the list.
vsource-error-selector-required = A watched web page needs a CSS selector.
vsource-error-selector-invalid = This CSS selector is not valid: check its syntax (for example "main article").
vsource-error-selector-long = This selector is too long (500 characters at most).
vsource-error-tag-required = Enter the hashtag to follow.
vsource-error-tag-invalid = A hashtag holds only letters, digits and "_" (100 at most).
vsource-error-text-long = This text is too long (200 characters at most).
vsource-error-interval = Enter a whole number of minutes between { $min } and { $max }.
vsource-error-duplicate = This source is already watched in this workspace.

vsource-import-title = Import feeds (OPML)
vsource-import-help = The OPML file a feed reader exports (Feedly, Miniflux, FreshRSS, Thunderbird…). Folders become categories; feeds already watched are skipped. Everything is added at once, or nothing when the file cannot be read.
vsource-file-label = OPML file
vsource-import = Import
vsource-error-no-file = Choose an OPML file.
vsource-error-opml = This file is not readable OPML; nothing was added.
vsource-error-opml-no-valid = This file holds no http or https feed address; nothing was added.
vsource-export-title = Export
vsource-export = Download the feeds as OPML

## Topics
vtopic-title = Monitoring topics
vtopic-help = A topic is a boolean query: AND, OR, NOT, parentheses, "exact phrases", NEAR/n, a trailing *, and the filters title:, site:, author:, lang:, source:. Case and accents are ignored.
vtopic-kind-trade = Trade monitoring
vtopic-kind-technology = Technology monitoring
vtopic-kind-competition = Competition monitoring
vtopic-kind-regulation = Regulation monitoring
vtopic-none = No topic of this kind yet.
vtopic-col-name = Topic
vtopic-col-query = Query
vtopic-edit = Edit
vtopic-edit-label = Edit the topic { $name }
vtopic-test = Test
vtopic-test-label = Test the query of the topic { $name }
vtopic-delete = Delete
vtopic-delete-label = Delete the topic { $name }
vtopic-add-title = New topic
vtopic-field-name = Topic name
vtopic-field-kind = Kind of monitoring
vtopic-field-query = Query
vtopic-query-hint = For example: strike AND (SNCF OR RATP) AND NOT "hunger strike". 4,096 characters at most.
vtopic-create = Create the topic
vtopic-save = Save the topic
vtopic-created = Topic created.
vtopic-saved = Topic saved.
vtopic-deleted = Topic deleted.
vtopic-error-name-taken = A topic of this workspace already has this name.
vtopic-error-kind = Choose a kind of monitoring from the list.
vtopic-error-query = The query is not valid (position { $count }).
vtopic-error-position = Position { $count }:
vtopic-error-caret = The query, with a ^ under the faulty position:
vtopic-edit-title = Edit the topic
vtopic-stale = Someone saved this topic while you were editing it: nothing was saved. Your text is kept below.
vtopic-stale-current = The query saved in the meantime:
vtopic-see-current = Reopen the current version
vtopic-back = Back to the topics

## Query tester
vtest-title = Query tester
vtest-help = Paste a query and a text: the tester says whether the text matches, part by part, and where each word was found. Nothing is saved.
vtest-field-query = Query
vtest-field-title = Title of the text (optional)
vtest-field-text = Text to test
vtest-submit = Test
vtest-valid = The query is valid; relais reads it as:
vtest-literals = Words and phrases looked for
vtest-match = The text matches the query.
vtest-no-match = The text does not match the query.
vtest-explain-title = Explanation, part by part
vtest-paste-text = Paste a text to find out whether it matches.
vtest-true = true
vtest-false = false
vtest-in-title = in the title
vtest-in-text = in the text
vtest-in-author = in the author
vtest-in-source = in the source
vtest-word = word { $count }
vtest-words-between = { $count ->
    [0] no word between the two
    [one] one word between the two
   *[other] { $count } words between the two
}
vtest-error-compile = This query could not be prepared; simplify it.
