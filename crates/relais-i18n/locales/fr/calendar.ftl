# calendar messages (fr). Keep the same keys in both languages.

ws-nav-calendar = Calendrier

## Statuses of an entry
status-idea = Idée
status-draft = Brouillon
status-internal_review = Relecture interne
status-submitted = Soumise au client
status-changes_requested = Modifications demandées
status-approved = Approuvée
status-scheduled = Programmée
status-published = Publiée
status-failed = Échec de publication

## Months
month-1 = Janvier
month-2 = Février
month-3 = Mars
month-4 = Avril
month-5 = Mai
month-6 = Juin
month-7 = Juillet
month-8 = Août
month-9 = Septembre
month-10 = Octobre
month-11 = Novembre
month-12 = Décembre

## Calendar page
calendar-title = Calendrier éditorial
calendar-views = Vues du calendrier
calendar-view-month = Mois
calendar-view-week = Semaine
calendar-view-list = Liste
calendar-week-of = Semaine du { $date }
calendar-previous = Période précédente
calendar-next = Période suivante
calendar-today = Aujourd'hui
calendar-today-tag = aujourd'hui
calendar-new-entry = Nouvelle entrée
calendar-add-on = Ajouter une entrée le { $date }
calendar-filters = Filtres
calendar-date = Date
calendar-account = Compte
calendar-axis = Axe
calendar-status = État
calendar-assignee = Responsable
calendar-all = Tous
calendar-apply = Filtrer
calendar-shown-count = { $count ->
    [0] Aucune entrée affichée
    [one] Une entrée affichée
   *[other] { $count } entrées affichées
}
calendar-timezone = heures de { $tz }
calendar-holiday = Jour férié : { $name }
calendar-observance = Événement : { $name }
calendar-empty = Aucune entrée sur cette période.
calendar-when = Quand
calendar-entry-title = Titre
calendar-conformance = Conformité avec la charte (mois affiché)
calendar-score = Score : { $score } / 100
