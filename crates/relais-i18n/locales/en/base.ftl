## relais — interface text in English.
## Every key also exists in fr.ftl (a test checks it).

app-name = relais
skip-link = Skip to content
nav-main = Main navigation
nav-workspaces = Workspaces
nav-settings = Settings
nav-admin = Administration
nav-logout = Log out
nav-login = Log in
signed-in-as = Signed in: { $name }
footer-text = relais, free software under the AGPL-3.0-or-later licence
lang-browser = Browser language
lang-fr = Français
lang-en = English
save = Save
yes = yes
no = no
never = never
utc = UTC

## Login
login-title = Log in
login-intro = Log in with your account's email address and password.
field-email = Email address
field-password = Password
login-submit = Log in
login-failed = Wrong email address or password.
login-throttled = Too many failed attempts. Try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
logged-out = You are logged out.

## Workspaces
workspaces-title = Workspaces
workspaces-intro = One workspace per client brand. Choose the one to work on.
workspaces-empty = You are not a member of any workspace yet. Ask a manager to invite you.
your-role = Your role: { $role }
role-owner = Owner
role-manager = Manager
role-community_manager = Community manager
role-client_approver = Client approver
role-viewer = Viewer
members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
ws-nav-label = Workspace sections
ws-nav-home = Home
ws-nav-members = Members
ws-nav-audit = Audit log
ws-home-intro = This workspace holds the work for the { $name } brand.
ws-home-next = The editorial charter, calendar, publishing and monitoring will appear here.
ws-created = Created on { $date }

## Members
members-title = Members
members-table-caption = Workspace members and their roles
col-name = Name
col-email = Email address
col-role = Role
col-since = Member since
col-actions = Actions
member-change-role = Change role
member-change-role-label = New role for { $name }
member-remove = Remove
member-remove-label = Remove { $name } from the workspace
invite-title = Invite a member
invite-help = If the person already has an account, they are added at once. Otherwise an invitation link is created: send it to them.
field-role = Role
invite-submit = Invite
invite-link-created = Invitation created for { $email }. Send them this link, valid for { $hours } hours:
member-added = { $email } is now a member of the workspace.
member-role-changed = Role changed.
member-removed = Member removed from the workspace.

## Audit log
audit-title = Audit log
audit-table-caption = Changes to the workspace, newest first
col-when = Date
col-who = By
col-what = Action
col-target = Object
col-change = Before → after
audit-empty = No change recorded.
audit-older = Older entries
audit-workspace_created = Workspace created
audit-user_created = Account created
audit-member_added = Member added
audit-member_role_changed = Role changed
audit-member_removed = Member removed
audit-invitation_created = Invitation sent
audit-invitation_accepted = Invitation accepted
audit-password_changed = Password changed
audit-locale_changed = Language changed
audit-api_token_created = API token created
audit-api_token_revoked = API token revoked
audit-demo_seeded = Demo installed
audit-account_created = Network account added
audit-account_deleted = Network account deleted
audit-charter_saved = Editorial charter saved
audit-entry_created = Post created
audit-entry_updated = Post edited
audit-entry_moved = Post moved
audit-entry_status_changed = Post status changed
audit-entry_deleted = Post deleted
audit-entries_imported = Posts imported
audit-comment_added = Comment added
audit-observances_added = Key dates added
audit-observance_deleted = Key date deleted
audit-media_uploaded = Media uploaded
audit-feed_token_created = Secret calendar link created
audit-feed_token_revoked = Secret calendar link revoked

## Personal settings
settings-title = Personal settings
settings-language = Language
field-locale = Interface language
language-changed = Language saved.
settings-password = Password
field-current-password = Current password
field-new-password = New password
field-password-confirm = Confirm the new password
password-hint = At least 12 characters. A sentence you can remember makes a good password.
password-changed = Password changed. Your other sessions were closed.
current-password-wrong = The current password is wrong.
settings-tokens = API tokens
tokens-help = A token lets a script use the API ("Authorization: Bearer" header), with the same rights as you.
field-token-name = Token name
token-create = Create a token
token-created = Here is your new token. Copy it now: it will not be shown again.
token-revoke = Revoke
token-revoke-label = Revoke the token { $name }
token-revoked = Token revoked.
tokens-empty = No token yet.
tokens-table-caption = Your active API tokens
col-prefix = Token start
col-created = Created on
col-last-used = Last used

## Administration
admin-title = Instance administration
admin-workspaces = Workspaces
admin-new-workspace = New workspace
field-slug = Identifier in addresses
slug-hint = Lower-case letters, digits and hyphens, for example maison-dupain.
field-workspace-name = Brand name
workspace-create = Create the workspace
workspace-created = The workspace "{ $name }" is created; you are its owner.
workspaces-table-caption = All workspaces
col-slug = Identifier
admin-users = Accounts
admin-new-user = New account
field-display-name = Display name
field-is-admin = Instance administrator
field-password-optional = Password
password-optional-hint = Leave empty to generate one.
user-create = Create the account
user-created = Account { $email } created.
user-created-password = Generated password, to pass on safely:
users-table-caption = All accounts
col-admin = Admin
admin-audit = Instance log

## Invitation
invite-accept-title = Join { $workspace }
invite-accept-intro = You are invited to join the { $workspace } workspace with the role "{ $role }". Choose your name and password.
invite-accept-submit = Create my account and join the workspace
invite-invalid-title = Invalid invitation
invite-invalid = This invitation link has expired or was already used. Ask the person who invited you for a new one.
invite-email-taken = An account already exists for { $email }: log in, then ask to be added to the workspace.

## Errors
error-back = Back to the home page
error-title-400 = Bad request
error-text-400 = The request could not be understood.
error-title-401 = Login required
error-text-401 = Log in to continue.
error-title-403 = Access denied
error-text-403 = Your role does not allow this action.
error-title-404 = Page not found
error-text-404 = This page does not exist, or you do not have access to it.
error-title-405 = Method not allowed
error-text-405 = This address does not accept this kind of request.
error-title-408 = Request timed out
error-text-408 = The server took too long to answer. Try again.
error-title-409 = Conflict
error-text-409 = This value is already in use.
error-title-413 = Request too large
error-text-413 = The data sent is larger than allowed.
error-title-415 = Unsupported format
error-text-415 = Send the data in the expected format.
error-title-422 = Invalid data
error-text-422 = Correct the fields shown.
error-title-429 = Too many requests
error-text-429 = Wait a little before trying again.
error-title-500 = Internal error
error-text-500 = Something went wrong on our side. It has been logged; try again in a moment.
error-title-503 = Service unavailable
error-text-503 = The service is unavailable for the moment.
error-title-csrf = Form expired
error-text-csrf = This form has expired. Reload the page and send it again.
form-errors-summary = { $count ->
    [one] The form has one error:
   *[other] The form has { $count } errors:
}
error-required = This field is required.
error-email-invalid = Enter a valid email address, for example name@example.org.
error-slug-invalid = 2 to 48 characters: lower-case letters, digits and hyphens, with no hyphen at either end.
error-too-long = This text is too long (100 characters at most).
error-invalid-characters = This text contains characters that are not allowed.
error-password-too-short = The password must have at least 12 characters.
error-password-too-long = The password must have at most 256 characters.
error-password-mismatch = The two passwords do not match.
error-role-invalid = Choose a role from the list.
error-locale-invalid = Choose a language from the list.
error-taken-email = This email address already has an account.
error-taken-slug = This identifier is already used by another workspace.
error-owner-only = Only an owner can grant, change or remove the owner role.
error-last-owner = The workspace must keep at least one owner.
error-invalid-json = The request body is not valid JSON for this operation.
error-unknown-field = This field is not expected.
error-already-member = This person is already a member of the workspace.
