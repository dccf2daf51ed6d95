-- A source's newest publications, read to adapt its schedule when a fetch
-- brings no body (304 Not Modified); it also serves what the index on
-- source_id alone served.
CREATE INDEX veille_items_source_published ON veille_items (source_id, published_at);
DROP INDEX veille_items_source_id;
