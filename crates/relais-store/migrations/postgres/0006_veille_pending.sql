-- Store first, analyse later: the veille worker stores a source's new items
-- as they come (pending), and its analysis stage gives them their language,
-- sentiment, topics and story, then indexes them. A crash between the two
-- leaves items pending, never lost. Items stored before are analysed.
ALTER TABLE veille_items ADD COLUMN analysed BOOLEAN NOT NULL DEFAULT TRUE;
-- The language the item's feed declares: the fallback when the analysis
-- cannot detect one from the item's text.
ALTER TABLE veille_items ADD COLUMN lang_hint TEXT;
-- The analysis stage's queue, oldest first. Queries name the same predicate.
CREATE INDEX veille_items_pending ON veille_items (id) WHERE analysed = FALSE;
