# interop messages (fr). Keep the same keys in both languages.

## Calendar import and export
interop-nav = Import et export
interop-import-title = Import et export du calendrier
interop-imported = { $count ->
    [one] Une entrée importée.
   *[other] { $count } entrées importées.
}
interop-error-no-file = Choisissez un fichier CSV à importer.
interop-error-nothing-valid = Aucune ligne valide : rien n'a été importé.
interop-error-rows-wrong = { $count ->
    [one] Une ligne contient des erreurs : rien n'a été importé. Corrigez le fichier, ou cochez « n'importer que les lignes valides ».
   *[other] { $count } lignes contiennent des erreurs : rien n'a été importé. Corrigez le fichier, ou cochez « n'importer que les lignes valides ».
}
error-interop-format-invalid = Format d'export inconnu : « csv » ou « ics ».
interop-export-title = Exporter
interop-export-csv = Télécharger le calendrier en CSV (tableur)
interop-export-ics = Télécharger le calendrier en iCalendar (.ics)
interop-upload-title = Importer un fichier CSV
interop-upload-help = UTF-8 (avec ou sans BOM) ou Windows-1252 (Excel), séparateur « ; » ou « , », dates au format 2025-10-06T09:30 ou 06/10/2025 09:30. Un aperçu montre chaque ligne et ses erreurs avant tout import.
interop-file-label = Fichier CSV
interop-preview = Vérifier le fichier
interop-preview-title = Aperçu de l'import
interop-rows-valid = { $count ->
    [0] Aucune ligne valide.
    [one] Une ligne valide.
   *[other] { $count } lignes valides.
}
interop-rows-invalid = { $count ->
    [0] Aucune ligne en erreur.
    [one] Une ligne en erreur.
   *[other] { $count } lignes en erreur.
}
interop-preview-caption = Chaque ligne du fichier et son résultat
interop-col-line = Ligne
interop-col-title = Titre
interop-col-date = Date
interop-col-outcome = Résultat
interop-row-ok = Valide
interop-row-errors = { $count ->
    [one] Une erreur :
   *[other] { $count } erreurs :
}
interop-error-at = ligne { $line }
interop-error-column = colonne « { $column } »
interop-all-or-nothing = L'import est « tout ou rien » : tant qu'une ligne est en erreur, rien n'est importé.
interop-valid-only = { $count ->
    [one] N'importer que la ligne valide (les lignes en erreur sont ignorées)
   *[other] N'importer que les { $count } lignes valides (les lignes en erreur sont ignorées)
}
interop-confirm = { $count ->
    [one] Importer
   *[other] Importer
}

## Secret iCalendar feed
feed-nav = Flux iCalendar
feed-title = Flux iCalendar secret
feed-help = Une adresse secrète pour ouvrir le calendrier dans Thunderbird, Google Agenda ou Outlook. Toute personne qui a l'adresse voit le calendrier : ne la partagez qu'avec les bonnes personnes, et révoquez-la si elle a fuité.
feed-created = Voici l'adresse du flux. Copiez-la maintenant : elle ne sera plus affichée.
feed-url-label = Adresse du flux
feed-active-since = Un flux est actif depuis le { $date }.
feed-regenerate = Créer une nouvelle adresse (l'ancienne cesse de fonctionner)
feed-revoke = Révoquer le flux
feed-revoked = Le flux est révoqué : son adresse ne fonctionne plus.
feed-none = Aucun flux n'est actif.
feed-create = Créer l'adresse du flux

## Observances
observance-nav = Dates clés
observance-title = Dates clés
observance-added = { $count ->
    [0] Aucune date ajoutée.
    [one] Une date ajoutée.
   *[other] { $count } dates ajoutées.
}
observance-deleted = Date supprimée.
observance-error-date = Saisissez une date valide (AAAA-MM-JJ).
observance-error-ics = Ce fichier n'est pas un fichier iCalendar (.ics) lisible.
observance-error-empty = Ce fichier ne contient aucune date.
observance-help = Les journées et événements qui comptent pour la marque s'affichent sur le calendrier, avec les jours fériés.
observance-count = { $count ->
    [0] Aucune date clé
    [one] Une date clé
   *[other] { $count } dates clés
}
observance-col-date = Date
observance-col-label = Libellé
observance-col-source = Origine
observance-source-ics = Fichier .ics
observance-source-manual = Saisie
observance-delete = Supprimer
observance-delete-label = Supprimer « { $label } »
observance-add-title = Ajouter une date
observance-field-date = Date
observance-field-label = Libellé
observance-add = Ajouter
observance-import-title = Importer un fichier .ics
observance-file-label = Fichier iCalendar (.ics)
observance-import = Importer les dates
error-observance-ics = Ce n'est pas un fichier iCalendar (.ics) lisible, ou il ne contient aucune date.
error-api-date-invalid = Date invalide : AAAA-MM-JJ ou un instant RFC 3339.
