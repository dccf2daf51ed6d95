# Veille: sources, topics and the query tester (issue 5).
ws-nav-veille = Veille
veille-nav-label = Sections de la veille
veille-nav-sources = Sources
veille-nav-topics = Sujets
veille-nav-test = Testeur de requêtes

## Sources
vsource-title = Sources de veille
vsource-help = Les flux, pages, fils Mastodon et flux Bluesky que relais lit pour cet espace. Les requêtes conditionnelles (réponses « 304 non modifié ») évitent de télécharger à nouveau ce qui n’a pas changé.
vsource-count = { $count ->
    [0] Aucune source surveillée
    [one] Une source surveillée
   *[other] { $count } sources surveillées
}
vsource-col-kind = Type
vsource-col-source = Source
vsource-col-state = État
vsource-col-last-fetch = Dernière lecture
vsource-col-next-fetch = Prochaine lecture
vsource-col-fetches = Lectures
vsource-col-not-modified = Réponses 304
vsource-col-downloaded = Téléchargé
vsource-col-saved = Économisé par les 304
vsource-col-items = Éléments collectés
vsource-kind-feed = Flux (RSS, Atom, JSON Feed)
vsource-kind-page = Page web surveillée
vsource-kind-mastodon-tag = Mot-dièse Mastodon
vsource-kind-mastodon-public = Fil public Mastodon
vsource-kind-bluesky = Flux Bluesky (PDS ou relais)
vsource-kind-jetstream = Jetstream Bluesky
vsource-state-active = Active
vsource-state-failing = En échec
vsource-state-disabled = Désactivée
vsource-last-error = Dernière erreur :
vsource-never = Jamais
vsource-continuous = En continu
vsource-not-scheduled = Non planifiée
vsource-category = Catégorie : { $category }
vsource-enable = Activer
vsource-disable = Désactiver
vsource-delete = Retirer
vsource-enable-label = Activer la source { $name }
vsource-disable-label = Désactiver la source { $name }
vsource-delete-label = Retirer la source { $name }
vsource-added = Source ajoutée : elle sera lue dans les prochaines minutes.
vsource-enabled = Source activée : elle sera lue dans les prochaines minutes.
vsource-disabled = Source désactivée.
vsource-deleted = Source retirée. Les éléments déjà collectés sont conservés.
vsource-imported-added = { $count ->
    [0] Aucune source ajoutée
    [one] Une source ajoutée
   *[other] { $count } sources ajoutées
}
vsource-imported-skipped = { $count ->
    [0] aucune déjà surveillée
    [one] une déjà surveillée
   *[other] { $count } déjà surveillées
}
vsource-imported-invalid = { $count ->
    [one] une adresse ignorée (ni http ni https)
   *[other] { $count } adresses ignorées (ni http ni https)
}

vsource-add-title = Ajouter une source
vsource-field-kind = Type de source
vsource-field-url = Adresse
vsource-url-hint = Flux, page ou instance Mastodon : une adresse http(s). Flux Bluesky : l’adresse wss:// (ou https://) du PDS, du relais ou du Jetstream.
vsource-field-selector = Sélecteur CSS (pages web)
vsource-selector-hint = Pour une page web seulement : la partie de la page à surveiller, par exemple « main article » ou « #actualites ».
vsource-field-tag = Mot-dièse (Mastodon)
vsource-tag-hint = Pour un mot-dièse Mastodon seulement, sans le # : par exemple « boulangerie ».
vsource-field-title = Titre (facultatif)
vsource-field-category = Catégorie (facultatif)
vsource-field-interval = Intervalle de lecture, en minutes
vsource-interval-hint = Entre { $min } et { $max } minutes. relais l’adapte ensuite au rythme de publication de la source et aux indications du serveur ; il ne s’applique pas aux flux continus.
vsource-add = Ajouter la source
vsource-error-url = Saisissez une adresse complète commençant par http:// ou https://.
vsource-error-url-stream = Saisissez une adresse complète commençant par wss://, ws://, https:// ou http://.
vsource-error-url-long = Cette adresse est trop longue (2 000 caractères au plus).
vsource-error-kind = Choisissez un type de source dans la liste.
vsource-error-selector-required = Une page web surveillée a besoin d’un sélecteur CSS.
vsource-error-selector-invalid = Ce sélecteur CSS n’est pas valide : vérifiez sa syntaxe (par exemple « main article »).
vsource-error-selector-long = Ce sélecteur est trop long (500 caractères au plus).
vsource-error-tag-required = Saisissez le mot-dièse à suivre.
vsource-error-tag-invalid = Un mot-dièse ne contient que des lettres, des chiffres et des « _ » (100 au plus).
vsource-error-text-long = Ce texte est trop long (200 caractères au plus).
vsource-error-interval = Saisissez un nombre entier de minutes entre { $min } et { $max }.
vsource-error-duplicate = Cette source est déjà surveillée dans cet espace.

vsource-import-title = Importer des flux (OPML)
vsource-import-help = Le fichier OPML exporté par un lecteur de flux (Feedly, Miniflux, FreshRSS, Thunderbird…). Les dossiers deviennent des catégories ; les flux déjà surveillés sont ignorés. Tout est ajouté en une fois, ou rien si le fichier est illisible.
vsource-file-label = Fichier OPML
vsource-import = Importer
vsource-error-no-file = Choisissez un fichier OPML.
vsource-error-opml = Ce fichier n’est pas un OPML lisible ; rien n’a été ajouté.
vsource-error-opml-no-valid = Ce fichier ne contient aucune adresse de flux http ou https ; rien n’a été ajouté.
vsource-export-title = Exporter
vsource-export = Télécharger les flux au format OPML

## Topics
vtopic-title = Sujets de veille
vtopic-help = Un sujet est une requête booléenne : AND, OR, NOT, parenthèses, « expressions exactes », NEAR/n, un * final, et les filtres title:, site:, author:, lang:, source:. Les majuscules et les accents sont ignorés.
vtopic-kind-trade = Veille métier
vtopic-kind-technology = Veille technologique
vtopic-kind-competition = Veille concurrentielle
vtopic-kind-regulation = Veille réglementaire
vtopic-none = Aucun sujet de ce type pour l’instant.
vtopic-col-name = Sujet
vtopic-col-query = Requête
vtopic-edit = Modifier
vtopic-edit-label = Modifier le sujet { $name }
vtopic-test = Tester
vtopic-test-label = Tester la requête du sujet { $name }
vtopic-delete = Supprimer
vtopic-delete-label = Supprimer le sujet { $name }
vtopic-add-title = Nouveau sujet
vtopic-field-name = Nom du sujet
vtopic-field-kind = Type de veille
vtopic-field-query = Requête
vtopic-query-hint = Par exemple : grève AND (SNCF OR RATP) AND NOT "grève de la faim". 4 096 caractères au plus.
vtopic-create = Créer le sujet
vtopic-save = Enregistrer le sujet
vtopic-created = Sujet créé.
vtopic-saved = Sujet enregistré.
vtopic-deleted = Sujet supprimé.
vtopic-error-name-taken = Un sujet de cet espace porte déjà ce nom.
vtopic-error-kind = Choisissez un type de veille dans la liste.
vtopic-error-query = La requête n’est pas valide (position { $count }).
vtopic-error-position = Position { $count } :
vtopic-error-caret = La requête, avec un ^ sous la position fautive :
vtopic-edit-title = Modifier le sujet
vtopic-stale = Quelqu’un a enregistré ce sujet pendant que vous le modifiiez : rien n’a été enregistré. Votre texte est conservé ci-dessous.
vtopic-stale-current = La requête enregistrée entre-temps :
vtopic-see-current = Rouvrir la version actuelle
vtopic-back = Retour aux sujets

## Query tester
vtest-title = Testeur de requêtes
vtest-help = Collez une requête et un texte : le testeur dit si le texte correspond, partie par partie, et où chaque mot a été trouvé. Rien n’est enregistré.
vtest-field-query = Requête
vtest-field-title = Titre du texte (facultatif)
vtest-field-text = Texte à tester
vtest-submit = Tester
vtest-valid = La requête est valide ; relais la lit ainsi :
vtest-literals = Mots et expressions recherchés
vtest-match = Le texte correspond à la requête.
vtest-no-match = Le texte ne correspond pas à la requête.
vtest-explain-title = Explication, partie par partie
vtest-paste-text = Collez un texte pour savoir s’il correspond.
vtest-true = vrai
vtest-false = faux
vtest-in-title = dans le titre
vtest-in-text = dans le texte
vtest-in-author = dans l’auteur
vtest-in-source = dans la source
vtest-word = mot { $count }
vtest-words-between = { $count ->
    [0] aucun mot entre les deux
    [one] un mot entre les deux
   *[other] { $count } mots entre les deux
}
vtest-error-compile = Cette requête n’a pas pu être préparée ; simplifiez-la.
