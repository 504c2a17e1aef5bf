-- A circle's view is tens of kilobytes of JSON, written whole: compress it with
-- lz4, several times faster than the default pglz for about the same size (a
-- rebuild writes every view at once). A server built without lz4, or older than
-- PostgreSQL 14, keeps the default.
DO $$
BEGIN
    ALTER TABLE views ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'views.body keeps the default compression: %', SQLERRM;
END
$$;
