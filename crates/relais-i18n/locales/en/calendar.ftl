# calendar messages (en). Keep the same keys in both languages.

ws-nav-calendar = Calendar

## Statuses of an entry
status-idea = Idea
status-draft = Draft
status-internal_review = Internal review
status-submitted = Submitted to the client
status-changes_requested = Changes requested
status-approved = Approved
status-scheduled = Scheduled
status-published = Published
status-failed = Publishing failed

## Months
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Calendar page
calendar-title = Editorial calendar
calendar-views = Calendar views
calendar-view-month = Month
calendar-view-week = Week
calendar-view-list = List
calendar-week-of = Week of { $date }
calendar-previous = Previous period
calendar-next = Next period
calendar-today = Today
calendar-today-tag = today
calendar-new-entry = New entry
calendar-add-on = Add an entry on { $date }
calendar-filters = Filters
calendar-date = Date
calendar-account = Account
calendar-axis = Axis
calendar-status = Status
calendar-assignee = Assignee
calendar-all = All
calendar-apply = Filter
calendar-shown-count = { $count ->
    [0] No entries shown
    [one] One entry shown
   *[other] { $count } entries shown
}
calendar-timezone = times in { $tz }
calendar-holiday = Public holiday: { $name }
calendar-observance = Observance: { $name }
calendar-empty = No entries in this period.
calendar-when = When
calendar-entry-title = Title
calendar-conformance = Conformance with the charter (month shown)
calendar-score = Score: { $score } / 100
