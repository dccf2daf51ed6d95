# charter messages (en). Keep the same keys in both languages.

## Workspace navigation
ws-nav-charter = Editorial charter
ws-nav-accounts = Accounts

## Checklists (shared by the charter, calendar and composer pages)
severity-error = Error
severity-warning = Warning
severity-info = Info
checks-none = Nothing to report.
checks-suggestion = Suggestion: { $text }
checks-reference = criterion { $ref }

## Days of the week
weekday-mon = Monday
weekday-tue = Tuesday
weekday-wed = Wednesday
weekday-thu = Thursday
weekday-fri = Friday
weekday-sat = Saturday
weekday-sun = Sunday

## Charter page
charter-title = Editorial charter
charter-edit-title = Edit the editorial charter
charter-edit = Edit the charter
charter-empty = No charter has been saved for this workspace yet.
charter-none = Nothing yet.
charter-saved = Charter saved: a new version was created.
charter-current-version = Version { $version } (current)
charter-old-version = Version { $version } (older version)
charter-see-current = See the current version
charter-checks = Charter checks
charter-objectives = Publication objectives
charter-objective-n = Objective { $count }
charter-objective-label = Objective
charter-objective-target = Measurable target
charter-add-objective = Add an objective
charter-axes = Content axes
charter-axes-help = 3 to 5 axes, each with its theme and the objective it serves.
charter-axes-count = { $count ->
    [one] One axis
   *[other] { $count } axes
}
charter-axis-n = Axis { $count }
charter-axis-name = Axis name
charter-axis-theme = Theme
charter-axis-objective = Objective served
charter-axis-rationale = Rationale
charter-add-axis = Add an axis
charter-networks = Networks
charter-network-n = Network { $count }
charter-network = Network
charter-choose-network = Choose a network
charter-add-network = Add a network
charter-content-types = Content types
charter-content-types-help = Comma-separated, for example: tutorial, behind the scenes, testimonial.
charter-tone = Tone
charter-frequency = Frequency
charter-per-week = { $range } posts per week
charter-min-per-week = Posts per week, at least
charter-max-per-week = Posts per week, at most
charter-brand-hashtags = Brand hashtags
charter-campaign-hashtags = Campaign hashtags
charter-hashtags-help = Separated by spaces or commas, with or without #.
charter-paid = Organic or sponsored
charter-paid-organic = Organic
charter-paid-sponsored = Sponsored
charter-paid-both = Both
charter-windows = Posting windows
charter-window-n = Window { $count }
charter-window-days = Days (none ticked: every day)
charter-window-start = Start (HH:MM)
charter-window-end = End (HH:MM)
charter-window-reason = Why this window
charter-add-window = Add a window
charter-every-day = Every day
charter-procedures = Production procedures
charter-writers = Who writes
charter-validators = Who validates
charter-procedure-notes = Notes
charter-timezone = Time zone
charter-timezone-help = IANA name, for example Europe/Paris or Indian/Reunion.
charter-rules = Conformance tolerances
charter-max-axis-share = Largest share of one axis (%)
charter-gap-days = Days without a post before a warning
charter-collision-minutes = Minimum gap between two posts of one account (minutes)
charter-note = Version note
charter-note-help = What changes, in a few words (optional).
charter-save = Save a new version
charter-edit-help = A row left entirely empty is removed when saving. The "Add" buttons draw the form again with one more row, without saving anything.
charter-stale = The charter changed since you opened this form: someone saved another version. Nothing was overwritten. What you typed is kept below; open the current version to carry your changes over.
charter-history = Version history
charter-version = Version
charter-version-n = Version { $version }
charter-saved-on = Saved on
charter-author = Author
charter-error-duplicate = This value is already listed above.
charter-error-below-min = The maximum must be at least the minimum.
charter-error-too-large = Value too large.
charter-error-before-start = The end must be after the start.
charter-error-invalid-hashtag = A hashtag contains no space and no #.
charter-error-out-of-range = Value out of the allowed range.
charter-error-number-invalid = Enter a whole positive number.
charter-error-time-invalid = Enter a time as HH:MM, for example 18:30.
charter-error-timezone-invalid = Unknown time zone. Use an IANA name such as Europe/Paris.

## Accounts page
accounts-title = Network accounts
accounts-none = No accounts yet.
accounts-count = { $count ->
    [one] One account
   *[other] { $count } accounts
}
accounts-network = Network
accounts-handle = Handle on the network
accounts-label = Short name
accounts-label-hint = The name shown in the calendar (optional).
accounts-add-title = Add an account
accounts-add = Add the account
accounts-added = Account added.
accounts-deleted = Account deleted.
accounts-delete = Delete
accounts-delete-label = Delete the account { $name }
accounts-taken = This account already exists in this workspace.
charter-holiday-zone = Public holidays shown
charter-holiday-zone-auto = From the time zone (metropolitan France by default)
error-holiday-zone-invalid = Choose a zone from the list.
