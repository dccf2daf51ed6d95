# approval messages (fr). Keep the same keys in both languages.

## Client approval page
approval-nav = Validation client
approval-title = Validation client
approval-week-of = Semaine du { $date }
approval-undated = Sans date
approval-main-text = Texte principal
approval-done-approved = { $count ->
    [one] Une entrée approuvée.
   *[other] { $count } entrées approuvées.
}
approval-done-changes = { $count ->
    [one] Modifications demandées sur une entrée.
   *[other] Modifications demandées sur { $count } entrées.
}
approval-done-submitted = { $count ->
    [one] Une entrée soumise au client.
   *[other] { $count } entrées soumises au client.
}
approval-error-no-entries = Aucune entrée n'a été choisie.
approval-error-decision = Choisissez « Approuver » ou « Demander des modifications ».
approval-error-comment-required = Dites ce qu'il faut modifier : le commentaire est obligatoire pour demander des modifications.
approval-error-not-submitted = Rien n'a été enregistré : au moins une de ces entrées n'est plus en attente de validation (elle a été modifiée ou retirée entre-temps). Rechargez la page.
approval-error-not-ready = Rien n'a été soumis : au moins une de ces entrées n'est plus en relecture interne. Rechargez la page.
approval-waiting-title = En attente de validation
approval-client-help = Relisez chaque publication, puis approuvez-la ou demandez des modifications en disant lesquelles. Vous pouvez aussi décider pour toute une semaine d'un coup.
approval-readonly-help = Ce que le client doit valider. Seul le client (ou le propriétaire) peut décider.
approval-none-waiting = Aucune entrée n'attend de validation.
approval-entry-count = { $count ->
    [one] une entrée
   *[other] { $count } entrées
}
approval-when = Date
approval-axis = Axe
approval-format = Format
approval-media = Visuels
approval-media-no-alt = Visuel sans texte alternatif
approval-client-notes = Notes pour le client :
approval-comment-count = { $count ->
    [one] Un commentaire
   *[other] { $count } commentaires
}
approval-comment-label = Commentaire sur « { $title } »
approval-approve = Approuver
approval-request-changes = Demander des modifications
approval-week-comment-label = Commentaire pour toute la semaine ({ $week })
approval-approve-week = { $count ->
    [one] Approuver l'entrée de la semaine
   *[other] Approuver les { $count } entrées de la semaine
}
approval-changes-week = { $count ->
    [one] Demander des modifications sur l'entrée de la semaine
   *[other] Demander des modifications sur les { $count } entrées de la semaine
}
approval-ready-title = Prêtes à soumettre au client
approval-ready-help = Les entrées en relecture interne. Soumettez-les au client une semaine à la fois, ou toutes d'un coup ; le client est prévenu dans l'application et par e-mail.
approval-none-ready = Aucune entrée en relecture interne.
approval-submit-all = Tout soumettre au client
approval-submit-week = { $count ->
    [one] Soumettre l'entrée de la semaine
   *[other] Soumettre les { $count } entrées de la semaine
}

## Notifications
nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [0] Notifications
    [one] Notifications (1 non lue)
   *[other] Notifications ({ $count } non lues)
}
notification-submitted = { $actor } a soumis { $count ->
    [one] une entrée
   *[other] { $count } entrées
} à votre validation ({ $workspace }).
notification-approved = { $actor } a approuvé { $count ->
    [one] une entrée
   *[other] { $count } entrées
} ({ $workspace }).
notification-changes-requested = { $actor } demande des modifications sur { $count ->
    [one] une entrée
   *[other] { $count } entrées
} ({ $workspace }).
notification-commented = { $actor } a commenté { $count ->
    [one] une entrée
   *[other] { $count } entrées
} ({ $workspace }).
notification-comment = Commentaire :
notification-mail-link = Pour voir le détail :
notifications-title = Notifications
notifications-marked-read = Toutes les notifications sont marquées comme lues.
notifications-unread-count = { $count ->
    [0] Aucune notification non lue.
    [one] Une notification non lue.
   *[other] { $count } notifications non lues.
}
notifications-mark-all-read = Tout marquer comme lu
notifications-none = Aucune notification pour l'instant.
notifications-new = Non lue :

## API errors
error-api-stale = Cette entrée a été modifiée depuis que vous l'avez ouverte : rechargez-la et refaites vos changements.
error-api-not-editable = Cette entrée ne peut plus être modifiée dans son état actuel : repassez-la en brouillon d'abord.
error-api-bad-transition = Ce changement d'état n'est pas permis.
error-api-decider = Votre rôle ne permet pas ce changement d'état.
error-api-status-invalid = État inconnu.
error-api-network-invalid = Réseau inconnu.
error-api-decision-invalid = Décision inconnue : « approve » ou « request_changes ».
error-api-charter-invalid = La charte contient une erreur à cet endroit.
error-api-version-required = Indiquez la version que vous avez lue.
