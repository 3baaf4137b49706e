-- Index support for FerretDB 1.24 (applied by scripts/services.ts to the PostgreSQL database FerretDB uses).
--
-- FerretDB pushes an equality filter down as `_jsonb -> 'field' @> '<value>'`, but the indexes it creates
-- are btree indexes on `(_jsonb -> 'field')`, which cannot serve `@>`: every find, `_id` lookups included,
-- is a sequential scan (20 ms for one `_id` in a table of 20,000 documents). For each btree index FerretDB
-- creates, this adds a GIN (jsonb_path_ops) index on each of its field expressions, which serves exactly
-- that containment test (the same lookup then takes about 1 ms). MongoDB in production needs none of this.
-- Idempotent: run on every `services up`; existing indexes are backfilled.

CREATE OR REPLACE FUNCTION zhibu_ferretdb_gin_for(index_oid oid) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  idx record;
  expr text;
BEGIN
  SELECT x.indrelid, x.indnatts, am.amname, n.nspname
    INTO idx
    FROM pg_index x
    JOIN pg_class c ON c.oid = x.indexrelid
    JOIN pg_am am ON am.oid = c.relam
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE x.indexrelid = index_oid;
  IF idx IS NULL OR idx.amname <> 'btree' OR idx.nspname IN ('pg_catalog', 'information_schema', 'public') THEN
    RETURN;
  END IF;
  FOR k IN 1..idx.indnatts LOOP
    expr := pg_get_indexdef(index_oid, k, false);
    IF expr LIKE '%_jsonb -> %' THEN
      EXECUTE format(
        'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((%s) jsonb_path_ops)',
        'zg_' || md5(idx.indrelid::text || ':' || expr),
        idx.indrelid::regclass,
        expr
      );
    END IF;
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION zhibu_ferretdb_gin() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  cmd record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM zhibu_ferretdb_gin_for(cmd.objid);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS zhibu_ferretdb_gin;
CREATE EVENT TRIGGER zhibu_ferretdb_gin ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION zhibu_ferretdb_gin();

SELECT count(zhibu_ferretdb_gin_for(x.indexrelid)) AS backfilled
  FROM pg_index x
  JOIN pg_class c ON c.oid = x.indexrelid
  JOIN pg_am am ON am.oid = c.relam
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE am.amname = 'btree' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast');

-- Plans made for the actual parameters: the key of `_jsonb -> $1` is a parameter, and only a custom plan
-- sees which expression index it matches.
ALTER DATABASE :"db" SET plan_cache_mode = force_custom_plan;
