# Veille (monitoring)
audit-veille_source_added = Source added to veille
audit-veille_source_changed = Veille source turned on or off
audit-veille_source_removed = Veille source removed
audit-veille_sources_imported = Veille sources imported (OPML)
audit-veille_topic_saved = Veille topic saved
audit-veille_topic_deleted = Veille topic deleted
audit-veille_item_curated = Veille item starred, tagged or annotated
audit-veille_digest_created = Veille digest created
audit-veille_digest_sent = Veille digest sent
audit-veille_feed_token_created = Secret curated-feed URL created
audit-veille_feed_token_revoked = Secret curated-feed URL revoked

notification-veille-spike = Veille alert in { $workspace }: a topic is spiking.
notification-veille-source-disabled = A veille source of { $workspace } failed for too long and was turned off.

veille-title = Veille (monitoring)
veille-intro = What is said about your trade, technology, competitors and regulation, collected from your sources, matched to your topics, with its tone and its stories.
veille-nav-home = Overview
veille-nav-items = Items and search
veille-nav-alerts = Alerts
veille-nav-digests = Digests
veille-kind-trade = Trade watch
veille-kind-technology = Technology watch
veille-kind-competition = Competitive watch
veille-kind-regulation = Regulatory watch
veille-kind-empty = No topic of this kind yet.
veille-add-topic = Add a topic
veille-topics-by-kind = Topics by kind of watch
veille-sources-count = { $count ->
    [0] No source watched yet.
    [one] One source watched
   *[other] { $count } sources watched
}
veille-sources-failing = { $count ->
    [one] one needs attention
   *[other] { $count } need attention
}
veille-col-topic = Topic
veille-col-day = Last 24 h
veille-col-week = Last 7 days
veille-col-negative-week = Negative, 7 days
veille-alerts-latest = Latest alerts
veille-alerts-none = No alert so far.
veille-alert-volume = unusual volume
veille-alert-negative = negative share jumped
veille-latest-items = Latest items
veille-items-none = No item yet: add sources and topics, items arrive at the next fetch.
veille-all-items = All items
veille-polarity-positive = positive
veille-polarity-neutral = neutral
veille-polarity-negative = negative
veille-analysis-pending = analysis pending
veille-starred = curated
veille-story-sources = { $count ->
    [one] one source tells this story
   *[other] { $count } sources tell this story
}
veille-topics-and-tags = Topics and tags
veille-items-title = Veille items
veille-search-label = Search and filter the items
veille-search-field = Search
veille-search-hint = Words, "exact phrases", -excluded, OR. Stemmed in French and English, accents ignored.
veille-filter-topic = Topic
veille-filter-source = Source
veille-filter-any = Any
veille-filter-lang = Language
veille-filter-lang-hint = Two-letter code, such as fr or en.
veille-filter-polarity = Tone
veille-filter-tag = Tag
veille-filter-from = From
veille-filter-to = To
veille-filter-starred = Curated items only
veille-search-submit = Show
veille-results = Results
veille-results-count = { $count ->
    [0] No item matches.
    [one] One item matches.
   *[other] { $count } items match.
}
veille-items-shown = { $count ->
    [0] No item.
    [one] One item shown.
   *[other] { $count } items shown.
}
veille-pages = Pages of results
veille-page-prev = Previous page
veille-page-next = Next page
veille-error-date = A date must be written as YYYY-MM-DD.
veille-search-unavailable = Search is not available on this server (no search index); the filters still work.
veille-search-bad-query = This search cannot be read: { $reason }
veille-search-failed = The search failed: { $reason }. An administrator can rebuild the index with `relais veille reindex`.
veille-item-title = Veille item
veille-col-published = Published
veille-col-source = Source
veille-col-author = Author
veille-col-lang = Language
veille-col-sentiment = Tone (score from −1 to +1)
veille-col-topics = Topics
veille-col-link = Link
veille-no-topic = none
veille-date-future = the source gave a date in the future; the time of collection is shown
veille-date-too-old = the source gave an implausible date; the time of collection is shown
veille-story-title = { $count ->
    [one] The same story
   *[other] The same story, told by { $count } sources
}
veille-curate-title = Curation
veille-curate-star = Curate this item (it can then go into a digest and the curated feed)
veille-curate-tags = Tags
veille-curate-tags-hint = Separated by commas, such as "law, urgent".
veille-curate-note = Impact note
veille-curate-note-hint = What this changes for us: the note travels with the item into digests.
veille-curate-save = Save
veille-curate-saved = Curation saved.
veille-error-tags = At most 20 tags of at most 50 characters each.
veille-impact-label = What this changes for us:
veille-alerts-title = Veille alerts
veille-alerts-help = An alert fires when a topic's last hour exceeds the same hour of the previous days by several standard deviations, with a minimum number of items, or when its share of negative items jumps. The team is told in the app and by e-mail.
veille-alerts-count = { $count ->
    [one] One alert
   *[other] { $count } alerts
}
veille-col-hour = Hour (UTC)
veille-col-alert = What happened
veille-col-observed = Items in the hour
veille-col-baseline = Usual for that hour
veille-threshold = threshold
veille-col-items = Items
veille-alert-items = See the items
veille-alert-items-label = See the items behind the alert on { $topic }
veille-digests-title = Veille digests
veille-digests-help = A digest gathers curated items with their impact notes, to share: sent by e-mail, printed, or followed through the secret feed.
veille-digests-list = Digests
veille-digests-none = No digest yet.
veille-digest-sent-on = sent on
veille-digest-new = New digest
veille-digest-no-curated = No curated item yet: curate items first.
veille-digest-field-title = Title
veille-digest-field-intro = Introduction
veille-digest-field-items = Curated items to include
veille-digest-create = Create the digest
veille-digest-error-items = Choose at least one item.
veille-digest-title = Veille digest
veille-digest-created = Digest created.
veille-digest-sent = Digest sent.
veille-send-title = Send by e-mail
veille-send-to = Recipients
veille-send-to-hint = E-mail addresses separated by commas or line breaks (at most 50).
veille-send-submit = Send
veille-send-error-too-many = At most 50 recipients at a time.
veille-send-error-address = { $address } is not an e-mail address.
veille-send-error-no-mail = E-mail is not configured on this server ([mail] smtp_url): the digest can be printed or shared through the feed.
veille-send-error-failed = The e-mail server refused the message: { $reason }
veille-print = Print
veille-feed-section = Secret feed of curated items
veille-feed-help = An RSS address that anyone who has it can follow in a feed reader: the curated items with their impact notes. Making a new address revokes the old one.
veille-feed-url = The feed's address:
veille-feed-once = Copy it now: it is shown only once.
veille-feed-exists = A secret address exists, made on
veille-feed-create = Make a secret address
veille-feed-renew = Make a new address (the old one stops working)
veille-feed-revoke = Revoke the address
veille-feed-created = A new secret address was made.
veille-feed-revoked = The secret address was revoked.
veille-feed-title = curated veille
veille-feed-description = Items curated by the team, with what they change for us.

# Volume over time
veille-nav-volume = Volume
veille-volume-title = Volume by topic
veille-volume-help = How many items each topic found, hour by hour or day by day (UTC), how many of them negative, and the spike alerts. Each number leads to the period's items.
veille-volume-no-topics = No topics yet: volume is counted per topic.
veille-volume-form-label = Choose the topic and the period
veille-volume-range = Period
veille-volume-range-48h = Last 48 hours, by hour
veille-volume-range-14d = Last 14 days, by day
veille-volume-range-90d = Last 90 days, by day
veille-volume-show = Show
veille-volume-summary = { $total ->
    [0] No items in the period.
    [one] 1 item in the period, { $negative } of them negative.
   *[other] { $total } items in the period, { $negative } of them negative.
}
veille-volume-busiest = Busiest period: { $period } ({ $count }).
veille-volume-chart-title = Volume of the topic “{ $topic }”
veille-volume-legend-total = all items
veille-volume-legend-negative = negative items
veille-volume-to-table = Read the figures in the table
veille-volume-csv = Download the figures (CSV)
veille-volume-table-caption = Volume of the topic “{ $topic }”, period by period
veille-volume-col-day = Day (UTC)
veille-volume-col-total = Items
veille-volume-col-negative = Negative
veille-volume-col-share = Negative share
veille-volume-items-label = { $count ->
    [one] 1 item
   *[other] { $count } items
}

## Veille API (issue 5): query parameters at fault.
vapi-error-id = Give the id as a whole number.
vapi-error-polarity = Choose positive, neutral or negative.
vapi-error-starred = Write true or false.
vapi-error-bounded = Give a whole number from { $min } to { $max }.
vapi-error-range = Choose 48h, 14d or 90d.
