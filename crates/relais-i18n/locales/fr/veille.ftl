# Veille
audit-veille_source_added = Source de veille ajoutée
audit-veille_source_changed = Source de veille activée ou désactivée
audit-veille_source_removed = Source de veille retirée
audit-veille_sources_imported = Sources de veille importées (OPML)
audit-veille_topic_saved = Sujet de veille enregistré
audit-veille_topic_deleted = Sujet de veille supprimé
audit-veille_item_curated = Élément de veille marqué, étiqueté ou annoté
audit-veille_digest_created = Synthèse de veille créée
audit-veille_digest_sent = Synthèse de veille envoyée
audit-veille_feed_token_created = Adresse secrète du flux de veille créée
audit-veille_feed_token_revoked = Adresse secrète du flux de veille révoquée

notification-veille-spike = Alerte de veille dans { $workspace } : un sujet s’emballe.
notification-veille-source-disabled = Une source de veille de { $workspace } échouait depuis trop longtemps : elle a été désactivée.

veille-title = Veille
veille-intro = Ce qui se dit de votre métier, des technologies, de vos concurrents et de la réglementation, collecté dans vos sources, rapproché de vos sujets, avec sa tonalité et ses histoires.
veille-nav-home = Aperçu
veille-nav-items = Éléments et recherche
veille-nav-alerts = Alertes
veille-nav-digests = Synthèses
veille-kind-trade = Veille métier
veille-kind-technology = Veille technologique
veille-kind-competition = Veille concurrentielle
veille-kind-regulation = Veille réglementaire
veille-kind-empty = Aucun sujet de ce type pour l’instant.
veille-add-topic = Ajouter un sujet
veille-topics-by-kind = Sujets par type de veille
veille-sources-count = { $count ->
    [0] Aucune source suivie pour l’instant.
    [one] Une source suivie
   *[other] { $count } sources suivies
}
veille-sources-failing = { $count ->
    [one] une demande votre attention
   *[other] { $count } demandent votre attention
}
veille-col-topic = Sujet
veille-col-day = 24 dernières heures
veille-col-week = 7 derniers jours
veille-col-negative-week = Négatifs, 7 jours
veille-alerts-latest = Dernières alertes
veille-alerts-none = Aucune alerte pour l’instant.
veille-alert-volume = volume inhabituel
veille-alert-negative = part de négatif en hausse
veille-latest-items = Derniers éléments
veille-items-none = Aucun élément pour l’instant : ajoutez des sources et des sujets, les éléments arrivent à la prochaine collecte.
veille-all-items = Tous les éléments
veille-polarity-positive = positif
veille-polarity-neutral = neutre
veille-polarity-negative = négatif
veille-analysis-pending = analyse en cours
veille-starred = retenu
veille-story-sources = { $count ->
    [one] une source raconte cette histoire
   *[other] { $count } sources racontent cette histoire
}
veille-topics-and-tags = Sujets et étiquettes
veille-items-title = Éléments de veille
veille-search-label = Rechercher et filtrer les éléments
veille-search-field = Recherche
veille-search-hint = Des mots, des « expressions exactes » entre guillemets droits, -exclus, OR. Racinisation en français et en anglais, accents ignorés.
veille-filter-topic = Sujet
veille-filter-source = Source
veille-filter-any = Tous
veille-filter-lang = Langue
veille-filter-lang-hint = Code à deux lettres, comme fr ou en.
veille-filter-polarity = Tonalité
veille-filter-tag = Étiquette
veille-filter-from = Du
veille-filter-to = Au
veille-filter-starred = Éléments retenus seulement
veille-search-submit = Afficher
veille-results = Résultats
veille-results-count = { $count ->
    [0] Aucun élément ne correspond.
    [one] Un élément correspond.
   *[other] { $count } éléments correspondent.
}
veille-items-shown = { $count ->
    [0] Aucun élément.
    [one] Un élément affiché.
   *[other] { $count } éléments affichés.
}
veille-pages = Pages de résultats
veille-page-prev = Page précédente
veille-page-next = Page suivante
veille-error-date = Une date s’écrit AAAA-MM-JJ.
veille-search-unavailable = La recherche n’est pas disponible sur ce serveur (pas d’index) ; les filtres fonctionnent.
veille-search-bad-query = Cette recherche ne peut pas être lue : { $reason }
veille-search-failed = La recherche a échoué : { $reason }. Un administrateur peut reconstruire l’index avec `relais veille reindex`.
veille-item-title = Élément de veille
veille-col-published = Publié
veille-col-source = Source
veille-col-author = Auteur ou autrice
veille-col-lang = Langue
veille-col-sentiment = Tonalité (score de −1 à +1)
veille-col-topics = Sujets
veille-col-link = Lien
veille-no-topic = aucun
veille-date-future = la source donnait une date future ; l’heure de collecte est affichée
veille-date-too-old = la source donnait une date invraisemblable ; l’heure de collecte est affichée
veille-story-title = { $count ->
    [one] La même histoire
   *[other] La même histoire, racontée par { $count } sources
}
veille-curate-title = Curation
veille-curate-star = Retenir cet élément (il pourra entrer dans une synthèse et dans le flux des éléments retenus)
veille-curate-tags = Étiquettes
veille-curate-tags-hint = Séparées par des virgules, comme « loi, urgent ».
veille-curate-note = Note d’impact
veille-curate-note-hint = Ce que cela change pour nous : la note accompagne l’élément dans les synthèses.
veille-curate-save = Enregistrer
veille-curate-saved = Curation enregistrée.
veille-error-tags = Au plus 20 étiquettes de 50 caractères au plus.
veille-impact-label = Ce que cela change pour nous :
veille-alerts-title = Alertes de veille
veille-alerts-help = Une alerte se déclenche quand la dernière heure d’un sujet dépasse la même heure des jours précédents de plusieurs écarts-types, avec un nombre minimal d’éléments, ou quand sa part d’éléments négatifs bondit. L’équipe est prévenue dans l’application et par courriel.
veille-alerts-count = { $count ->
    [one] Une alerte
   *[other] { $count } alertes
}
veille-col-hour = Heure (UTC)
veille-col-alert = Ce qui s’est passé
veille-col-observed = Éléments dans l’heure
veille-col-baseline = Habituel à cette heure
veille-threshold = seuil
veille-col-items = Éléments
veille-alert-items = Voir les éléments
veille-alert-items-label = Voir les éléments de l’alerte sur { $topic }
veille-digests-title = Synthèses de veille
veille-digests-help = Une synthèse rassemble des éléments retenus avec leurs notes d’impact, pour les partager : par courriel, imprimée, ou suivie par le flux secret.
veille-digests-list = Synthèses
veille-digests-none = Aucune synthèse pour l’instant.
veille-digest-sent-on = envoyée le
veille-digest-new = Nouvelle synthèse
veille-digest-no-curated = Aucun élément retenu pour l’instant : retenez d’abord des éléments.
veille-digest-field-title = Titre
veille-digest-field-intro = Introduction
veille-digest-field-items = Éléments retenus à inclure
veille-digest-create = Créer la synthèse
veille-digest-error-items = Choisissez au moins un élément.
veille-digest-title = Synthèse de veille
veille-digest-created = Synthèse créée.
veille-digest-sent = Synthèse envoyée.
veille-send-title = Envoyer par courriel
veille-send-to = Destinataires
veille-send-to-hint = Adresses électroniques séparées par des virgules ou des retours à la ligne (50 au plus).
veille-send-submit = Envoyer
veille-send-error-too-many = 50 destinataires au plus à la fois.
veille-send-error-address = { $address } n’est pas une adresse électronique.
veille-send-error-no-mail = Le courriel n’est pas configuré sur ce serveur ([mail] smtp_url) : la synthèse peut être imprimée ou partagée par le flux.
veille-send-error-failed = Le serveur de courriel a refusé le message : { $reason }
veille-print = Imprimer
veille-feed-section = Flux secret des éléments retenus
veille-feed-help = Une adresse RSS que toute personne qui la possède peut suivre dans un lecteur de flux : les éléments retenus avec leurs notes d’impact. Créer une nouvelle adresse révoque l’ancienne.
veille-feed-url = L’adresse du flux :
veille-feed-once = Copiez-la maintenant : elle n’est affichée qu’une fois.
veille-feed-exists = Une adresse secrète existe, créée le
veille-feed-create = Créer une adresse secrète
veille-feed-renew = Créer une nouvelle adresse (l’ancienne cesse de fonctionner)
veille-feed-revoke = Révoquer l’adresse
veille-feed-created = Une nouvelle adresse secrète a été créée.
veille-feed-revoked = L’adresse secrète a été révoquée.
veille-feed-title = veille retenue
veille-feed-description = Les éléments retenus par l’équipe, avec ce qu’ils changent pour nous.

# Volume over time
veille-nav-volume = Volume
veille-volume-title = Volume par sujet
veille-volume-help = Combien d’éléments chaque sujet a trouvés, heure par heure ou jour par jour (UTC), dont combien de négatifs, et les alertes de pic. Chaque nombre mène aux éléments de la période.
veille-volume-no-topics = Aucun sujet pour l’instant : le volume se compte par sujet.
veille-volume-form-label = Choisir le sujet et la période
veille-volume-range = Période
veille-volume-range-48h = 48 dernières heures, par heure
veille-volume-range-14d = 14 derniers jours, par jour
veille-volume-range-90d = 90 derniers jours, par jour
veille-volume-show = Afficher
veille-volume-summary = { $total ->
    [0] Aucun élément sur la période.
    [one] 1 élément sur la période, dont { $negative } négatif.
   *[other] { $total } éléments sur la période, dont { $negative } négatifs.
}
veille-volume-busiest = Période la plus chargée : { $period } ({ $count }).
veille-volume-chart-title = Volume du sujet « { $topic } »
veille-volume-legend-total = tous les éléments
veille-volume-legend-negative = éléments négatifs
veille-volume-to-table = Lire les chiffres dans le tableau
veille-volume-csv = Télécharger les chiffres (CSV)
veille-volume-table-caption = Volume du sujet « { $topic } », période par période
veille-volume-col-day = Jour (UTC)
veille-volume-col-total = Éléments
veille-volume-col-negative = Négatifs
veille-volume-col-share = Part de négatifs
veille-volume-items-label = { $count ->
    [one] 1 élément
   *[other] { $count } éléments
}

## Veille API (issue 5): query parameters at fault.
vapi-error-id = Donnez l’identifiant sous forme de nombre entier.
vapi-error-polarity = Choisissez positive, neutral ou negative.
vapi-error-starred = Écrivez true ou false.
vapi-error-bounded = Donnez un nombre entier de { $min } à { $max }.
vapi-error-range = Choisissez 48h, 14d ou 90d.
