# approval messages (en). Keep the same keys in both languages.

## Client approval page
approval-nav = Client approval
approval-title = Client approval
approval-week-of = Week of { $date }
approval-undated = Undated
approval-main-text = Main text
approval-done-approved = { $count ->
    [one] One entry approved.
   *[other] { $count } entries approved.
}
approval-done-changes = { $count ->
    [one] Changes requested on one entry.
   *[other] Changes requested on { $count } entries.
}
approval-done-submitted = { $count ->
    [one] One entry submitted to the client.
   *[other] { $count } entries submitted to the client.
}
approval-error-no-entries = No entry was chosen.
approval-error-decision = Choose "Approve" or "Request changes".
approval-error-comment-required = Say what must change: a comment is required to request changes.
approval-error-not-submitted = Nothing was saved: at least one of these entries is no longer waiting for approval (it was changed or withdrawn meanwhile). Reload the page.
approval-error-not-ready = Nothing was submitted: at least one of these entries is no longer in internal review. Reload the page.
approval-waiting-title = Waiting for approval
approval-client-help = Read each post, then approve it or request changes saying which. You can also decide for a whole week at once.
approval-readonly-help = What the client has to approve. Only the client (or the owner) can decide.
approval-none-waiting = No entry is waiting for approval.
approval-entry-count = { $count ->
    [one] one entry
   *[other] { $count } entries
}
approval-when = Date
approval-axis = Axis
approval-format = Format
approval-media = Images and videos
approval-media-no-alt = Image without alternative text
approval-client-notes = Notes for the client:
approval-comment-count = { $count ->
    [one] One comment
   *[other] { $count } comments
}
approval-comment-label = Comment on "{ $title }"
approval-approve = Approve
approval-request-changes = Request changes
approval-week-comment-label = Comment for the whole week ({ $week })
approval-approve-week = { $count ->
    [one] Approve the week's entry
   *[other] Approve the week's { $count } entries
}
approval-changes-week = { $count ->
    [one] Request changes on the week's entry
   *[other] Request changes on the week's { $count } entries
}
approval-ready-title = Ready to submit to the client
approval-ready-help = Entries in internal review. Submit them to the client a week at a time, or all at once; the client is told in the app and by e-mail.
approval-none-ready = No entry in internal review.
approval-submit-all = Submit everything to the client
approval-submit-week = { $count ->
    [one] Submit the week's entry
   *[other] Submit the week's { $count } entries
}

## Notifications
nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [0] Notifications
    [one] Notifications (1 unread)
   *[other] Notifications ({ $count } unread)
}
notification-submitted = { $actor } submitted { $count ->
    [one] one entry
   *[other] { $count } entries
} for your approval ({ $workspace }).
notification-approved = { $actor } approved { $count ->
    [one] one entry
   *[other] { $count } entries
} ({ $workspace }).
notification-changes-requested = { $actor } requested changes on { $count ->
    [one] one entry
   *[other] { $count } entries
} ({ $workspace }).
notification-commented = { $actor } commented on { $count ->
    [one] one entry
   *[other] { $count } entries
} ({ $workspace }).
notification-comment = Comment:
notification-mail-link = See the details:
notifications-title = Notifications
notifications-marked-read = All notifications are marked as read.
notifications-unread-count = { $count ->
    [0] No unread notification.
    [one] One unread notification.
   *[other] { $count } unread notifications.
}
notifications-mark-all-read = Mark all as read
notifications-none = No notifications yet.
notifications-new = Unread:

## API errors
error-api-stale = This entry was changed since you opened it: reload it and make your changes again.
error-api-not-editable = This entry cannot be edited in its current status: move it back to draft first.
error-api-bad-transition = This status change is not allowed.
error-api-decider = Your role does not allow this status change.
error-api-status-invalid = Unknown status.
error-api-network-invalid = Unknown network.
error-api-decision-invalid = Unknown decision: "approve" or "request_changes".
error-api-charter-invalid = The charter has an error here.
error-api-version-required = Give the version you read.
