-- The event log. Payload and metadata are stored as the exact JSON text that was
-- hashed, so the hash chain can be verified byte for byte.

CREATE TABLE streams (
    stream_id     text PRIMARY KEY,
    version       bigint NOT NULL,            -- version of the last event, 0 for none
    first_version bigint NOT NULL DEFAULT 1,  -- oldest version still stored
    base_hash     bytea NOT NULL,             -- prev_hash of the event at first_version
    head_hash     bytea NOT NULL,             -- hash of the last event
    epoch         uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id      text NOT NULL,
    version        bigint NOT NULL,
    event_id       uuid NOT NULL UNIQUE,
    event_type     text NOT NULL,
    schema_version integer NOT NULL,
    payload        text NOT NULL,
    metadata       text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    prev_hash      bytea NOT NULL,
    UNIQUE (stream_id, version)
);

-- read_all walks (xid, position) below the oldest running transaction.
CREATE INDEX events_xid_position ON events (xid, position);

CREATE TABLE checkpoints (
    name       text PRIMARY KEY,
    xid        bigint NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Must equal kring_store::event_hash.
CREATE FUNCTION event_hash(
    prev bytea, stream text, version bigint, id uuid, type text,
    schema_version integer, recorded_at timestamptz, payload text, metadata text
) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT sha256(
        prev
        || int8send(version)
        || uuid_send(id)
        || int4send(schema_version)
        || int8send((extract(epoch FROM recorded_at) * 1000000)::bigint)
        || sha256(convert_to(stream, 'UTF8'))
        || sha256(convert_to(type, 'UTF8'))
        || sha256(convert_to(payload, 'UTF8'))
        || sha256(convert_to(metadata, 'UTF8')))
$$;

-- One append is one statement, so one round trip and one short transaction.
-- Raises KR001 (version conflict, DETAIL = actual version) or KR002 (event id
-- reused for other content, DETAIL = the id); both roll back everything.
CREATE FUNCTION append_events(
    p_stream text, p_expected bigint,
    p_ids uuid[], p_types text[], p_schema_versions integer[], p_payloads text[], p_metadata text[]
) RETURNS TABLE (stream_version bigint, first_position bigint, last_position bigint, epoch uuid, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
    n integer := cardinality(p_ids);
    s streams%ROWTYPE;
    found_count integer;
    same_count integer;
    bad_id uuid;
    h bytea;
    v bigint;
    pos bigint;
    first_pos bigint;
    ts timestamptz := now();
BEGIN
    -- Serialise the writers of one stream before this transaction takes its xid,
    -- so that within a stream xid order is version order (read_all relies on it).
    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));

    -- A retried batch: every id stored, in this stream, with the same content and order.
    SELECT count(*),
           count(*) FILTER (WHERE e.stream_id = p_stream AND e.event_type = b.t
                              AND e.schema_version = b.sv AND e.payload = b.p AND e.metadata = b.m),
           (array_agg(b.id) FILTER (WHERE NOT (e.stream_id = p_stream AND e.event_type = b.t
                              AND e.schema_version = b.sv AND e.payload = b.p AND e.metadata = b.m)))[1]
      INTO found_count, same_count, bad_id
      FROM unnest(p_ids, p_types, p_schema_versions, p_payloads, p_metadata) WITH ORDINALITY AS b(id, t, sv, p, m, ord)
      JOIN events e ON e.event_id = b.id;
    IF found_count > 0 THEN
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

    SELECT * INTO s FROM streams WHERE stream_id = p_stream;
    IF NOT FOUND THEN
        IF p_expected IS NOT NULL AND p_expected <> 0 THEN
            RAISE EXCEPTION 'version conflict' USING ERRCODE = 'KR001', DETAIL = '0';
        END IF;
        INSERT INTO streams (stream_id, version, first_version, base_hash, head_hash, epoch)
        VALUES (p_stream, 0, 1, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
                '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, gen_random_uuid())
        RETURNING * INTO s;
    ELSIF p_expected IS NOT NULL AND s.version <> p_expected THEN
        RAISE EXCEPTION 'version conflict' USING ERRCODE = 'KR001', DETAIL = s.version::text;
    END IF;

    h := s.head_hash;
    v := s.version;
    FOR i IN 1 .. n LOOP
        v := v + 1;
        INSERT INTO events (stream_id, version, event_id, event_type, schema_version, payload, metadata, recorded_at, prev_hash)
        VALUES (p_stream, v, p_ids[i], p_types[i], p_schema_versions[i], p_payloads[i], p_metadata[i], ts, h)
        RETURNING position INTO pos;
        IF i = 1 THEN
            first_pos := pos;
        END IF;
        h := event_hash(h, p_stream, v, p_ids[i], p_types[i], p_schema_versions[i], ts, p_payloads[i], p_metadata[i]);
    END LOOP;
    UPDATE streams SET version = v, head_hash = h WHERE stream_id = p_stream;
    RETURN QUERY SELECT v, first_pos, pos, s.epoch, false;
END
$$;
