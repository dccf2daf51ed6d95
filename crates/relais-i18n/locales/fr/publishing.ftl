# Publishing: connected accounts, scheduling, deliveries.

audit-account_connected = Compte connecté à son réseau
audit-account_disconnected = Compte déconnecté de son réseau
audit-entry_rescheduled = Publication reprogrammée
audit-delivery_cancelled = Publication annulée
audit-entry_published = Entrée publiée
audit-entry_publish_failed = Publication en échec
audit-credentials_rotated = Identifiants rechiffrés avec une nouvelle clé

notification-publish-failed = La publication de { $count ->
    [one] une entrée
   *[other] { $count } entrées
} a échoué ({ $workspace }).
notification-publish-missed = { $count ->
    [one] Une publication n'a pas été faite à temps
   *[other] { $count } publications n'ont pas été faites à temps
} : relais était arrêté ({ $workspace }).
notification-reconnect-needed = Un compte doit être reconnecté ({ $workspace }).
