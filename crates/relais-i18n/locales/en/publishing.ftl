# Publishing: connected accounts, scheduling, deliveries.

audit-account_connected = Account connected to its network
audit-account_disconnected = Account disconnected from its network
audit-entry_rescheduled = Publication rescheduled
audit-delivery_cancelled = Publication cancelled
audit-entry_published = Entry published
audit-entry_publish_failed = Publication failed
audit-credentials_rotated = Credentials re-encrypted with a new key

notification-publish-failed = Publishing { $count ->
    [one] an entry
   *[other] { $count } entries
} failed ({ $workspace }).
notification-publish-missed = { $count ->
    [one] A publication was not made on time
   *[other] { $count } publications were not made on time
}: relais was stopped ({ $workspace }).
notification-reconnect-needed = An account needs reconnecting ({ $workspace }).
