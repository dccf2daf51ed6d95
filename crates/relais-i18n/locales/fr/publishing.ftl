# Publishing: connected accounts, scheduling, deliveries.

audit-account_connected = Compte connecté à son réseau
audit-account_disconnected = Compte déconnecté de son réseau
audit-entry_rescheduled = Publication reprogrammée
audit-delivery_cancelled = Publication annulée
audit-entry_published = Entrée publiée
audit-entry_publish_failed = Publication en échec
audit-credentials_rotated = Identifiants rechiffrés avec une nouvelle clé

notification-publish-failed = La publication { $count ->
    [one] d'une entrée
   *[other] de { $count } entrées
} a échoué ({ $workspace }).
notification-publish-missed = { $count ->
    [one] Une publication n'a pas été faite à temps
   *[other] { $count } publications n'ont pas été faites à temps
} : relais était arrêté ({ $workspace }).
notification-reconnect-needed = Un compte doit être reconnecté ({ $workspace }).

## Santé des comptes (page des comptes, API)

health-title = Connexion
health-waiting-title = En attente
health-waiting = { $count ->
    [0] Aucune publication en attente
    [one] { $count } publication en attente
   *[other] { $count } publications en attente
}
health-not-connected = Non connecté
health-connected = Connecté
health-connected-since = Connecté depuis le { $since }
health-reconnect-needed = À reconnecter : { $reason }
health-rate-limited = En pause jusqu'au { $until } (limite de débit du réseau) : { $reason }
health-no-reason = raison non précisée
health-no-connector = relais ne publie pas encore sur ce réseau.

## Connexion d'un compte

connect-title = Connecter un compte
connect-heading = Connecter « { $name } »
connect-back = Retour aux comptes
connect-link = Connecter
connect-link-again = Reconnecter
connect-link-label = Connecter « { $name } » à son réseau
connect-link-again-label = Reconnecter « { $name } » à son réseau
connect-disconnect = Déconnecter
connect-disconnect-label = Déconnecter « { $name } »
connect-done = Compte connecté : relais peut maintenant y publier.
connect-disconnected = Compte déconnecté : ses identifiants ont été effacés.
connect-secret-note = Les identifiants sont vérifiés auprès du réseau, puis enregistrés chiffrés. Ils ne sont plus jamais affichés.
connect-submit = Vérifier et connecter
connect-bluesky-title = Bluesky : identifiant et mot de passe d'application
connect-identifier = Identifiant Bluesky
connect-identifier-hint = Votre pseudo, par exemple maison.bsky.social, ou votre DID.
connect-app-password = Mot de passe d'application
connect-app-password-hint = Créez-en un dans Bluesky : Réglages, Confidentialité et sécurité, Mots de passe d'application. N'utilisez pas votre mot de passe principal.
connect-service = Adresse du serveur (PDS)
connect-service-hint = https://bsky.social pour la plupart des comptes ; changez-la si votre compte est hébergé ailleurs.
connect-oauth-title = Mastodon : se connecter avec son instance
connect-oauth-help = relais s'enregistre sur votre instance, puis vous y envoie pour autoriser la publication. Vous revenez ici ensuite.
connect-oauth-submit = Se connecter avec Mastodon
connect-token-title = Mastodon : coller un jeton d'accès
connect-token-help = Dans les préférences de votre instance : Développement, Nouvelle application, avec les droits read et write. Copiez ensuite son jeton d'accès.
connect-instance = Adresse de l'instance
connect-instance-hint = Par exemple mastodon.social ou https://piaille.fr.
connect-access-token = Jeton d'accès
connect-oauth-invalid = Ce retour d'autorisation est invalide ou a expiré (il vaut 15 minutes, pour la personne qui l'a demandé). Rien n'a été enregistré : recommencez la connexion.
connect-oauth-denied = L'autorisation n'a pas été donnée sur l'instance. Rien n'a été enregistré.
connect-oauth-code = L'instance n'a pas accepté le code d'autorisation. Rien n'a été enregistré : recommencez la connexion.

error-connect-identifier-invalid = Saisissez un pseudo sans espace, par exemple maison.bsky.social.
error-connect-secret-invalid = Ce secret contient des caractères inattendus : recopiez-le tel quel.
error-connect-address-invalid = Saisissez une adresse de serveur, par exemple https://bsky.social ou mastodon.social.
error-connect-no-connector = relais ne sait pas encore se connecter à ce réseau.
error-connect-network-mismatch = Ces identifiants sont pour un autre réseau que celui du compte.
error-connect-no-vault = Le coffre des identifiants n'est pas configuré sur ce serveur (section [secrets]) : aucun identifiant ne peut être enregistré.
error-connect-refused-bluesky = Bluesky a refusé cette connexion : vérifiez l'identifiant et le mot de passe d'application. Rien n'a été enregistré.
error-connect-refused-mastodon = L'instance a refusé ce jeton : vérifiez qu'il est complet et qu'il a les droits read et write. Rien n'a été enregistré.
error-connect-unreachable = Le serveur n'a pas répondu correctement. Vérifiez l'adresse ou réessayez dans un moment. Rien n'a été enregistré.
error-connect-invalid = Le serveur a refusé la demande : vérifiez son adresse. Rien n'a été enregistré.
error-title-502 = Réseau injoignable
error-text-502 = Le serveur du réseau n'a pas répondu correctement. Réessayez dans un moment.

## Programmation et suivi des publications

error-in-flight = Cette entrée est en cours de publication en ce moment : elle ne peut plus être arrêtée ni modifiée. Attendez la fin de l'envoi.
error-unschedulable-no-date = Impossible de programmer cette entrée : elle n'a pas de date de publication.
error-unschedulable-no-account = Impossible de programmer cette entrée : choisissez au moins un compte.
error-unschedulable-nothing-to-publish = Impossible de programmer cette entrée : il n'y a ni texte ni média à publier.
error-unschedulable-partly-published = Impossible de reprogrammer cette entrée : une partie est déjà publiée sur un compte. Traitez-la d'abord.
error-unschedulable-other = Impossible de programmer cette entrée.
error-publish-timezone-invalid = Fuseau horaire inconnu. Utilisez un nom IANA comme Europe/Paris.
error-publish-starts-at-invalid = Indiquez un instant RFC 3339 ou une heure locale AAAA-MM-JJTHH:MM.
error-publish-not-scheduled = Seule une entrée programmée peut être reprogrammée.

publish-dst-shifted = { $time } n'existe pas le { $date } (on avance l'heure) : la publication partira à { $to }.
publish-dst-ambiguous-first = { $time } existe deux fois le { $date } : relais publie à la première ({ $offset }).
publish-dst-ambiguous-second = { $time } existe deux fois le { $date } : cette publication partira à la seconde ({ $offset }).

publish-title = Publication
publish-none = Aucune publication pour l'instant.
publish-state = État
publish-due = Prévue
publish-round = Programmation n°
publish-last-error = Dernière erreur
publish-links = Publié
publish-no-attempt = Aucune tentative pour l'instant.
publish-timeline-label = Déroulé de la publication sur { $account }
publish-retry-at = nouvel essai le { $time }
publish-reschedule = Reprogrammer
publish-reschedule-hint = Les publications en attente sont remplacées par de nouvelles à l'heure choisie, dans le fuseau indiqué.
publish-reschedule-submit = Reprogrammer
publish-reschedule-invalid = Saisissez une date, une heure (HH:MM) et un fuseau horaire valides.
publish-rescheduled = Publication reprogrammée.

delivery-state-pending = En attente
delivery-state-sending = En cours d'envoi
delivery-state-unconfirmed = Non confirmée (vérification en cours)
delivery-state-published = Publiée
delivery-state-failed = En échec
delivery-state-cancelled = Annulée
delivery-state-missed = Manquée (relais était arrêté)

delivery-outcome-published = Publiée
delivery-outcome-reconciled = Retrouvée sur le réseau
delivery-outcome-retry = Nouvel essai prévu
delivery-outcome-rate-limited = Limite de débit : nouvel essai prévu
delivery-outcome-unconfirmed = Sans réponse : vérification prévue
delivery-outcome-failed = Échec
delivery-outcome-missed = Manquée
delivery-outcome-cancelled = Annulée

delivery-part-post = Publication
delivery-part-thread-part = Suite du fil
delivery-part-first-comment = Premier commentaire
