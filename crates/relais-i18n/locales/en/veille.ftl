# Veille (monitoring)
audit-veille_source_added = Source added to veille
audit-veille_source_changed = Veille source turned on or off
audit-veille_source_removed = Veille source removed
audit-veille_sources_imported = Veille sources imported (OPML)
audit-veille_topic_saved = Veille topic saved
audit-veille_topic_deleted = Veille topic deleted
audit-veille_item_curated = Veille item starred, tagged or annotated
audit-veille_digest_created = Veille digest created
audit-veille_digest_sent = Veille digest sent
audit-veille_feed_token_created = Secret curated-feed URL created
audit-veille_feed_token_revoked = Secret curated-feed URL revoked

notification-veille-spike = Veille alert in { $workspace }: a topic is spiking.
notification-veille-source-disabled = A veille source of { $workspace } failed for too long and was turned off.
