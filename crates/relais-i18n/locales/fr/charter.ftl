# charter messages (fr). Keep the same keys in both languages.

## Workspace navigation
ws-nav-charter = Charte éditoriale
ws-nav-accounts = Comptes

## Checklists (shared by the charter, calendar and composer pages)
severity-error = Erreur
severity-warning = Avertissement
severity-info = Information
checks-none = Aucun point à signaler.
checks-suggestion = Suggestion : { $text }
checks-reference = critère { $ref }

## Days of the week
weekday-mon = lundi
weekday-tue = mardi
weekday-wed = mercredi
weekday-thu = jeudi
weekday-fri = vendredi
weekday-sat = samedi
weekday-sun = dimanche

## Charter page
charter-title = Charte éditoriale
charter-edit-title = Modifier la charte éditoriale
charter-edit = Modifier la charte
charter-empty = Aucune charte n'a encore été enregistrée pour cet espace.
charter-none = Rien pour l'instant.
charter-saved = Charte enregistrée : une nouvelle version a été créée.
charter-current-version = Version { $version } (actuelle)
charter-old-version = Version { $version } (ancienne version)
charter-see-current = Voir la version actuelle
charter-checks = Vérifications de la charte
charter-objectives = Objectifs de publication
charter-objective-n = Objectif { $count }
charter-objective-label = Objectif
charter-objective-target = Cible mesurable
charter-add-objective = Ajouter un objectif
charter-axes = Axes éditoriaux
charter-axes-help = De 3 à 5 axes, chacun avec son thème et l'objectif qu'il sert.
charter-axes-count = { $count ->
    [one] Un axe
   *[other] { $count } axes
}
charter-axis-n = Axe { $count }
charter-axis-name = Nom de l'axe
charter-axis-theme = Thème
charter-axis-objective = Objectif servi
charter-axis-rationale = Justification
charter-add-axis = Ajouter un axe
charter-networks = Réseaux
charter-network-n = Réseau { $count }
charter-network = Réseau
charter-choose-network = Choisir un réseau
charter-add-network = Ajouter un réseau
charter-content-types = Types de contenus
charter-content-types-help = Séparés par des virgules, par exemple : tutoriel, coulisses, témoignage.
charter-tone = Ton
charter-frequency = Fréquence
charter-per-week = { $range } publications par semaine
charter-min-per-week = Publications par semaine, au moins
charter-max-per-week = Publications par semaine, au plus
charter-brand-hashtags = Hashtags de marque
charter-campaign-hashtags = Hashtags de campagne
charter-hashtags-help = Séparés par des espaces ou des virgules, avec ou sans #.
charter-paid = Organique ou sponsorisé
charter-paid-organic = Organique
charter-paid-sponsored = Sponsorisé
charter-paid-both = Les deux
charter-windows = Créneaux de publication
charter-window-n = Créneau { $count }
charter-window-days = Jours (aucun coché : tous les jours)
charter-window-start = Début (HH:MM)
charter-window-end = Fin (HH:MM)
charter-window-reason = Pourquoi ce créneau
charter-add-window = Ajouter un créneau
charter-every-day = Tous les jours
charter-procedures = Procédures de production
charter-writers = Qui rédige
charter-validators = Qui valide
charter-procedure-notes = Notes
charter-timezone = Fuseau horaire
charter-timezone-help = Nom IANA, par exemple Europe/Paris ou Indian/Reunion.
charter-rules = Tolérances de conformité
charter-max-axis-share = Part maximale d'un axe (%)
charter-gap-days = Jours sans publication avant alerte
charter-collision-minutes = Écart minimal entre deux publications d'un compte (minutes)
charter-note = Note de version
charter-note-help = Ce qui change, en quelques mots (facultatif).
charter-save = Enregistrer une nouvelle version
charter-edit-help = Une ligne laissée entièrement vide est supprimée à l'enregistrement. Les boutons « Ajouter » redessinent le formulaire avec une ligne de plus, sans rien enregistrer.
charter-stale = La charte a changé depuis que vous avez ouvert ce formulaire : quelqu'un a enregistré une autre version. Rien n'a été écrasé. Votre saisie est conservée ci-dessous ; ouvrez la version actuelle pour reporter vos modifications.
charter-history = Historique des versions
charter-version = Version
charter-version-n = Version { $version }
charter-saved-on = Enregistrée le
charter-author = Auteur
charter-error-duplicate = Cette valeur figure déjà plus haut.
charter-error-below-min = Le maximum doit être supérieur ou égal au minimum.
charter-error-too-large = Valeur trop grande.
charter-error-before-start = La fin doit être après le début.
charter-error-invalid-hashtag = Un hashtag ne contient ni espace ni #.
charter-error-out-of-range = Valeur hors des limites permises.
charter-error-number-invalid = Saisissez un nombre entier positif.
charter-error-time-invalid = Saisissez une heure au format HH:MM, par exemple 18:30.
charter-error-timezone-invalid = Fuseau horaire inconnu. Utilisez un nom IANA comme Europe/Paris.

## Accounts page
accounts-title = Comptes des réseaux
accounts-none = Aucun compte pour l'instant.
accounts-count = { $count ->
    [one] Un compte
   *[other] { $count } comptes
}
accounts-network = Réseau
accounts-handle = Identifiant sur le réseau
accounts-label = Nom court
accounts-label-hint = Le nom affiché dans le calendrier (facultatif).
accounts-add-title = Ajouter un compte
accounts-add = Ajouter le compte
accounts-added = Compte ajouté.
accounts-deleted = Compte supprimé.
accounts-delete = Supprimer
accounts-delete-label = Supprimer le compte { $name }
accounts-taken = Ce compte existe déjà dans cet espace.
charter-holiday-zone = Jours fériés affichés
charter-holiday-zone-auto = Selon le fuseau horaire (métropole par défaut)
error-holiday-zone-invalid = Choisissez une zone de la liste.
