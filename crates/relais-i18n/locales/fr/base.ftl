## relais — textes de l'interface, en français (langue par défaut).
## Chaque clé existe aussi dans en.ftl (un test le vérifie).

app-name = relais
skip-link = Aller au contenu
nav-main = Navigation principale
nav-workspaces = Espaces de travail
nav-settings = Paramètres
nav-admin = Administration
nav-logout = Se déconnecter
nav-login = Se connecter
signed-in-as = Connecté·e : { $name }
footer-text = relais, logiciel libre sous licence AGPL-3.0-or-later
lang-browser = Langue du navigateur
lang-fr = Français
lang-en = English
save = Enregistrer
yes = oui
no = non
never = jamais
utc = UTC

## Connexion
login-title = Connexion
login-intro = Connectez-vous avec l'adresse e-mail et le mot de passe de votre compte.
field-email = Adresse e-mail
field-password = Mot de passe
login-submit = Se connecter
login-failed = Adresse e-mail ou mot de passe incorrect.
login-throttled = Trop d'essais infructueux. Réessayez dans { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
logged-out = Vous êtes déconnecté·e.

## Espaces de travail
workspaces-title = Espaces de travail
workspaces-intro = Un espace par marque cliente. Choisissez celui sur lequel travailler.
workspaces-empty = Vous n'êtes membre d'aucun espace de travail pour l'instant. Demandez à un responsable de vous inviter.
your-role = Votre rôle : { $role }
role-owner = Propriétaire
role-manager = Responsable
role-community_manager = Community manager
role-client_approver = Client (validation)
role-viewer = Lecture seule
members-count = { $count ->
    [one] { $count } membre
   *[other] { $count } membres
}
ws-nav-label = Sections de l'espace
ws-nav-home = Accueil
ws-nav-members = Membres
ws-nav-audit = Journal d'audit
ws-home-intro = Cet espace regroupe le travail pour la marque { $name }.
ws-home-next = La charte éditoriale, le calendrier, la publication et la veille arriveront ici.
ws-created = Créé le { $date }

## Membres
members-title = Membres
members-table-caption = Membres de l'espace et leurs rôles
col-name = Nom
col-email = Adresse e-mail
col-role = Rôle
col-since = Membre depuis
col-actions = Actions
member-change-role = Changer le rôle
member-change-role-label = Nouveau rôle pour { $name }
member-remove = Retirer
member-remove-label = Retirer { $name } de l'espace
invite-title = Inviter un membre
invite-help = Si la personne a déjà un compte, elle est ajoutée tout de suite. Sinon, un lien d'invitation est créé : transmettez-le-lui.
field-role = Rôle
invite-submit = Inviter
invite-link-created = Invitation créée pour { $email }. Transmettez-lui ce lien, valable { $hours } heures :
member-added = { $email } fait maintenant partie de l'espace.
member-role-changed = Rôle modifié.
member-removed = Membre retiré·e de l'espace.

## Journal d'audit
audit-title = Journal d'audit
audit-table-caption = Modifications de l'espace, les plus récentes d'abord
col-when = Date
col-who = Auteur
col-what = Action
col-target = Objet
col-change = Avant → après
audit-empty = Aucune modification enregistrée.
audit-older = Entrées plus anciennes
audit-workspace_created = Espace créé
audit-user_created = Compte créé
audit-member_added = Membre ajouté
audit-member_role_changed = Rôle modifié
audit-member_removed = Membre retiré
audit-invitation_created = Invitation envoyée
audit-invitation_accepted = Invitation acceptée
audit-password_changed = Mot de passe modifié
audit-locale_changed = Langue modifiée
audit-api_token_created = Jeton d'API créé
audit-api_token_revoked = Jeton d'API révoqué
audit-demo_seeded = Démo installée
audit-account_created = Compte de réseau ajouté
audit-account_deleted = Compte de réseau supprimé
audit-charter_saved = Charte éditoriale enregistrée
audit-entry_created = Publication créée
audit-entry_updated = Publication modifiée
audit-entry_moved = Publication déplacée
audit-entry_status_changed = Statut de publication changé
audit-entry_deleted = Publication supprimée
audit-entries_imported = Publications importées
audit-comment_added = Commentaire ajouté
audit-observances_added = Dates clés ajoutées
audit-observance_deleted = Date clé supprimée
audit-media_uploaded = Média téléversé
audit-feed_token_created = Lien secret du calendrier créé
audit-feed_token_revoked = Lien secret du calendrier révoqué

## Paramètres personnels
settings-title = Paramètres personnels
settings-language = Langue
field-locale = Langue de l'interface
language-changed = Langue enregistrée.
settings-password = Mot de passe
field-current-password = Mot de passe actuel
field-new-password = Nouveau mot de passe
field-password-confirm = Confirmation du nouveau mot de passe
password-hint = Au moins 12 caractères. Une phrase facile à retenir fait un bon mot de passe.
password-changed = Mot de passe modifié. Vos autres sessions ont été fermées.
current-password-wrong = Le mot de passe actuel est incorrect.
settings-tokens = Jetons d'API
tokens-help = Un jeton permet à un script d'utiliser l'API (en-tête « Authorization: Bearer »), avec les mêmes droits que vous.
field-token-name = Nom du jeton
token-create = Créer un jeton
token-created = Voici votre nouveau jeton. Copiez-le maintenant : il ne sera plus affiché.
token-revoke = Révoquer
token-revoke-label = Révoquer le jeton { $name }
token-revoked = Jeton révoqué.
tokens-empty = Aucun jeton pour l'instant.
tokens-table-caption = Vos jetons d'API actifs
col-prefix = Début du jeton
col-created = Créé le
col-last-used = Dernière utilisation

## Administration
admin-title = Administration de l'instance
admin-workspaces = Espaces de travail
admin-new-workspace = Nouvel espace de travail
field-slug = Identifiant dans les adresses
slug-hint = Lettres minuscules, chiffres et tirets, par exemple maison-dupain.
field-workspace-name = Nom de la marque
workspace-create = Créer l'espace
workspace-created = L'espace « { $name } » est créé ; vous en êtes propriétaire.
workspaces-table-caption = Tous les espaces de travail
col-slug = Identifiant
admin-users = Comptes
admin-new-user = Nouveau compte
field-display-name = Nom affiché
field-is-admin = Administrateur de l'instance
field-password-optional = Mot de passe
password-optional-hint = Laissez vide pour en générer un.
user-create = Créer le compte
user-created = Compte { $email } créé.
user-created-password = Mot de passe généré, à transmettre de façon sûre :
users-table-caption = Tous les comptes
col-admin = Admin
admin-audit = Journal de l'instance

## Invitation
invite-accept-title = Rejoindre { $workspace }
invite-accept-intro = Vous êtes invité·e à rejoindre l'espace { $workspace } avec le rôle « { $role } ». Choisissez votre nom et votre mot de passe.
invite-accept-submit = Créer mon compte et rejoindre l'espace
invite-invalid-title = Invitation invalide
invite-invalid = Ce lien d'invitation a expiré ou a déjà servi. Demandez-en un nouveau à la personne qui vous a invité·e.
invite-email-taken = Un compte existe déjà pour { $email } : connectez-vous, puis demandez à être ajouté·e à l'espace.

## Erreurs
error-back = Retour à l'accueil
error-title-400 = Requête invalide
error-text-400 = La requête n'a pas pu être comprise.
error-title-401 = Connexion requise
error-text-401 = Connectez-vous pour continuer.
error-title-403 = Accès refusé
error-text-403 = Votre rôle ne permet pas cette action.
error-title-404 = Page introuvable
error-text-404 = Cette page n'existe pas, ou vous n'y avez pas accès.
error-title-405 = Méthode non permise
error-text-405 = Cette adresse n'accepte pas ce type de requête.
error-title-408 = Délai dépassé
error-text-408 = Le serveur a mis trop de temps à répondre. Réessayez.
error-title-409 = Conflit
error-text-409 = Cette valeur est déjà utilisée.
error-title-413 = Envoi trop volumineux
error-text-413 = Les données envoyées dépassent la taille permise.
error-title-415 = Format non pris en charge
error-text-415 = Envoyez les données au format attendu.
error-title-422 = Données invalides
error-text-422 = Corrigez les champs signalés.
error-title-429 = Trop de requêtes
error-text-429 = Patientez un peu avant de réessayer.
error-title-500 = Erreur interne
error-text-500 = Une erreur s'est produite de notre côté. Elle a été enregistrée ; réessayez dans un instant.
error-title-503 = Service indisponible
error-text-503 = Le service est momentanément indisponible.
error-title-csrf = Formulaire expiré
error-text-csrf = Ce formulaire a expiré. Rechargez la page et envoyez-le de nouveau.
form-errors-summary = { $count ->
    [one] Le formulaire contient une erreur :
   *[other] Le formulaire contient { $count } erreurs :
}
error-required = Ce champ est obligatoire.
error-email-invalid = Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.
error-slug-invalid = De 2 à 48 caractères : lettres minuscules, chiffres et tirets, sans tiret au début ni à la fin.
error-too-long = Ce texte est trop long (100 caractères au plus).
error-invalid-characters = Ce texte contient des caractères non permis.
error-password-too-short = Le mot de passe doit contenir au moins 12 caractères.
error-password-too-long = Le mot de passe doit contenir au plus 256 caractères.
error-password-mismatch = Les deux mots de passe ne correspondent pas.
error-role-invalid = Choisissez un rôle dans la liste.
error-locale-invalid = Choisissez une langue dans la liste.
error-taken-email = Cette adresse e-mail a déjà un compte.
error-taken-slug = Cet identifiant est déjà utilisé par un autre espace.
error-owner-only = Seul un propriétaire peut attribuer, modifier ou retirer le rôle de propriétaire.
error-last-owner = L'espace doit garder au moins un propriétaire.
error-invalid-json = Le corps de la requête n'est pas un JSON valide pour cette opération.
error-unknown-field = Ce champ n'est pas attendu.
error-already-member = Cette personne est déjà membre de l'espace.
