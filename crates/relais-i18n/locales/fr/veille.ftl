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
