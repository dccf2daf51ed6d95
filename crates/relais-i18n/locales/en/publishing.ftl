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

## Account health (accounts page, API)

health-title = Connection
health-waiting-title = Waiting
health-waiting = { $count ->
    [0] No publication waiting
    [one] { $count } publication waiting
   *[other] { $count } publications waiting
}
health-not-connected = Not connected
health-connected = Connected
health-connected-since = Connected since { $since }
health-reconnect-needed = Needs reconnecting: { $reason }
health-rate-limited = Paused until { $until } (the network's rate limit): { $reason }
health-no-reason = no reason given
health-no-connector = relais does not publish on this network yet.

## Connecting an account

connect-title = Connect an account
connect-heading = Connect "{ $name }"
connect-back = Back to the accounts
connect-link = Connect
connect-link-again = Reconnect
connect-link-label = Connect "{ $name }" to its network
connect-link-again-label = Reconnect "{ $name }" to its network
connect-disconnect = Disconnect
connect-disconnect-label = Disconnect "{ $name }"
connect-done = Account connected: relais can now publish on it.
connect-disconnected = Account disconnected: its credentials were erased.
connect-secret-note = Credentials are checked with the network, then stored encrypted. They are never shown again.
connect-submit = Check and connect
connect-bluesky-title = Bluesky: handle and app password
connect-identifier = Bluesky handle
connect-identifier-hint = Your handle, for example shop.bsky.social, or your DID.
connect-app-password = App password
connect-app-password-hint = Create one in Bluesky: Settings, Privacy and security, App passwords. Do not use your main password.
connect-service = Server address (PDS)
connect-service-hint = https://bsky.social for most accounts; change it if your account is hosted elsewhere.
connect-oauth-title = Mastodon: sign in with your instance
connect-oauth-help = relais registers with your instance, then sends you there to authorize publishing. You come back here afterwards.
connect-oauth-submit = Connect with Mastodon
connect-token-title = Mastodon: paste an access token
connect-token-help = In your instance's preferences: Development, New application, with the read and write scopes. Then copy its access token.
connect-instance = Instance address
connect-instance-hint = For example mastodon.social or https://piaille.fr.
connect-access-token = Access token
connect-oauth-invalid = This authorization return is invalid or has expired (it lasts 15 minutes, for the person who asked). Nothing was stored: start the connection again.
connect-oauth-denied = Authorization was not given on the instance. Nothing was stored.
connect-oauth-code = The instance did not accept the authorization code. Nothing was stored: start the connection again.

error-connect-identifier-invalid = Enter a handle without spaces, for example shop.bsky.social.
error-connect-secret-invalid = This secret contains unexpected characters: copy it exactly.
error-connect-address-invalid = Enter a server address, for example https://bsky.social or mastodon.social.
error-connect-no-connector = relais cannot connect to this network yet.
error-connect-network-mismatch = These credentials are for another network than the account's.
error-connect-no-vault = The credentials vault is not configured on this server (the [secrets] section): no credentials can be stored.
error-connect-refused-bluesky = Bluesky refused this login: check the handle and the app password. Nothing was stored.
error-connect-refused-mastodon = The instance refused this token: check that it is complete and has the read and write scopes. Nothing was stored.
error-connect-unreachable = The server did not answer properly. Check the address or try again in a moment. Nothing was stored.
error-connect-invalid = The server refused the request: check its address. Nothing was stored.
error-title-502 = Network unreachable
error-text-502 = The network's server did not answer properly. Try again in a moment.

## Scheduling and following publications

error-in-flight = This entry is being published right now: it can no longer be stopped or changed. Wait until the sending is over.
error-unschedulable-no-date = This entry cannot be scheduled: it has no publication date.
error-unschedulable-no-account = This entry cannot be scheduled: choose at least one account.
error-unschedulable-nothing-to-publish = This entry cannot be scheduled: there is no text or media to publish.
error-unschedulable-partly-published = This entry cannot be rescheduled: part of it is already published on an account. Deal with that first.
error-unschedulable-other = This entry cannot be scheduled.
error-publish-timezone-invalid = Unknown time zone. Use an IANA name such as Europe/Paris.
error-publish-starts-at-invalid = Give an RFC 3339 instant or a local time YYYY-MM-DDTHH:MM.
error-publish-not-scheduled = Only a scheduled entry can be rescheduled.

publish-dst-shifted = { $time } does not exist on { $date } (clocks go forward): it will be published at { $to }.
publish-dst-ambiguous-first = { $time } happens twice on { $date }: relais publishes at the first one ({ $offset }).
publish-dst-ambiguous-second = { $time } happens twice on { $date }: this publication leaves at the second one ({ $offset }).

publish-title = Publication
publish-none = No publication yet.
publish-state = State
publish-due = Due
publish-round = Scheduling no.
publish-last-error = Last error
publish-links = Published
publish-no-attempt = No attempt yet.
publish-timeline-label = Publication timeline on { $account }
publish-retry-at = next try { $time }
publish-reschedule = Reschedule
publish-reschedule-hint = The waiting publications are replaced by new ones at the chosen time, in the given time zone.
publish-reschedule-submit = Reschedule
publish-reschedule-invalid = Enter a valid date, time (HH:MM) and time zone.
publish-rescheduled = Publication rescheduled.

delivery-state-pending = Waiting
delivery-state-sending = Being sent
delivery-state-unconfirmed = Unconfirmed (being checked)
delivery-state-published = Published
delivery-state-failed = Failed
delivery-state-cancelled = Cancelled
delivery-state-missed = Missed (relais was stopped)

delivery-outcome-published = Published
delivery-outcome-reconciled = Found on the network
delivery-outcome-retry = Will try again
delivery-outcome-rate-limited = Rate limit: will try again
delivery-outcome-unconfirmed = No answer: will check
delivery-outcome-failed = Failed
delivery-outcome-missed = Missed
delivery-outcome-cancelled = Cancelled

delivery-part-post = Post
delivery-part-thread-part = Thread part
delivery-part-first-comment = First comment
