-- A leaner append_events, same behaviour:
-- * the retry check first probes the event_id index with = ANY (an unnest join
--   could be given a generic plan that scans the whole table once the log grew);
-- * the hash is an inline expression, not a call of event_hash(), which Postgres
--   could not inline (it calls the STABLE convert_to) and so planned on every call.
-- The hash is unchanged: kring_store::event_hash computes the same bytes.

DROP FUNCTION event_hash(bytea, text, bigint, uuid, text, integer, timestamptz, text, text);

CREATE OR REPLACE FUNCTION append_events(
    p_stream text, p_expected bigint,
    p_ids uuid[], p_types text[], p_schema_versions integer[], p_payloads text[], p_metadata text[]
) RETURNS TABLE (stream_version bigint, first_position bigint, last_position bigint, epoch uuid, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
    n integer := cardinality(p_ids);
    found_count integer;
    same_count integer;
    bad_id uuid;
    h bytea;
    v bigint;
    ep uuid;
    pos bigint;
    first_pos bigint;
    ts timestamptz := now();
    micros bigint := (extract(epoch FROM now()) * 1000000)::bigint;
    stream_digest bytea := sha256(convert_to(p_stream, 'UTF8'));
BEGIN
    -- Serialise the writers of one stream before this transaction takes its xid,
    -- so that within a stream xid order is version order (read_all relies on it).
    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));

    IF EXISTS (SELECT 1 FROM events WHERE event_id = ANY (p_ids)) THEN
        -- A retried batch: every id stored, in this stream, with the same content.
        SELECT count(*),
               count(*) FILTER (WHERE e.stream_id = p_stream AND e.event_type = b.t
                                  AND e.schema_version = b.sv AND e.payload = b.p AND e.metadata = b.m),
               (array_agg(b.id) FILTER (WHERE NOT (e.stream_id = p_stream AND e.event_type = b.t
                                  AND e.schema_version = b.sv AND e.payload = b.p AND e.metadata = b.m)))[1]
          INTO found_count, same_count, bad_id
          FROM unnest(p_ids, p_types, p_schema_versions, p_payloads, p_metadata) AS b(id, t, sv, p, m)
          JOIN events e ON e.event_id = b.id;
        IF found_count = n AND same_count = n THEN
            RETURN QUERY
                SELECT max(e.version), min(e.position), max(e.position), st.epoch, true
                  FROM events e JOIN streams st ON st.stream_id = e.stream_id
                 WHERE e.event_id = ANY (p_ids)
                 GROUP BY st.epoch;
            RETURN;
        END IF;
        RAISE EXCEPTION 'event id reused for different content'
            USING ERRCODE = 'KR002', DETAIL = coalesce(bad_id, p_ids[1])::text;
    END IF;

    SELECT s.version, s.head_hash, s.epoch INTO v, h, ep FROM streams s WHERE s.stream_id = p_stream;
    IF NOT FOUND THEN
        IF p_expected IS NOT NULL AND p_expected <> 0 THEN
            RAISE EXCEPTION 'version conflict' USING ERRCODE = 'KR001', DETAIL = '0';
        END IF;
        v := 0;
        h := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
        ep := gen_random_uuid();
        INSERT INTO streams (stream_id, version, first_version, base_hash, head_hash, epoch)
        VALUES (p_stream, 0, 1, h, h, ep);
    ELSIF p_expected IS NOT NULL AND v <> p_expected THEN
        RAISE EXCEPTION 'version conflict' USING ERRCODE = 'KR001', DETAIL = v::text;
    END IF;

    FOR i IN 1 .. n LOOP
        v := v + 1;
        INSERT INTO events (stream_id, version, event_id, event_type, schema_version, payload, metadata, recorded_at, prev_hash)
        VALUES (p_stream, v, p_ids[i], p_types[i], p_schema_versions[i], p_payloads[i], p_metadata[i], ts, h)
        RETURNING position INTO pos;
        IF i = 1 THEN
            first_pos := pos;
        END IF;
        -- Must equal kring_store::event_hash.
        h := sha256(h || int8send(v) || uuid_send(p_ids[i]) || int4send(p_schema_versions[i]) || int8send(micros)
                    || stream_digest
                    || sha256(convert_to(p_types[i], 'UTF8'))
                    || sha256(convert_to(p_payloads[i], 'UTF8'))
                    || sha256(convert_to(p_metadata[i], 'UTF8')));
    END LOOP;
    UPDATE streams SET version = v, head_hash = h WHERE stream_id = p_stream;
    RETURN QUERY SELECT v, first_pos, pos, ep, false;
END
$$;
