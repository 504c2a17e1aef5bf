-- Appends of several writers in one transaction (group commit). Each commit
-- costs a WAL flush and a round trip, which on a busy server cost more than the
-- append's own work; the log queues concurrent appends and sends them here
-- together (see crates/kring-store/src/postgres/append.rs).
--
-- Items are appends: item j goes to p_streams[j], expects p_expected[j] (NULL:
-- any version), and owns the next p_counts[j] entries of the event arrays. One
-- row per item, in order. An item whose stream is not where its writer expects
-- it (a conflict or a retried batch) is left out: its row is all NULL and
-- nothing of it is written, and the caller hands it to append_events, which
-- tells a retry from a conflict. A stored event id raises unique_violation and
-- rolls back the whole batch; the caller then sends every item on its own.
--
-- The hash is the one append_events computes (kring_store::event_hash).
CREATE FUNCTION append_batch(
    p_streams text[], p_expected bigint[], p_counts integer[],
    p_ids uuid[], p_types text[], p_schema_versions integer[], p_payloads text[], p_metadata text[]
) RETURNS TABLE (stream_version bigint, first_position bigint, last_position bigint, epoch uuid)
LANGUAGE plpgsql AS $$
DECLARE
    lock_key bigint;
    done integer := 0;  -- events of the items before this one
    h bytea;
    v bigint;
    ep uuid;
    pos bigint;
    first_pos bigint;
    micros bigint := (extract(epoch FROM now()) * 1000000)::bigint;
    stream_digest bytea;
BEGIN
    -- Serialise the writers of each stream before this transaction takes its xid,
    -- as append_events does; one order for every batch, so batches cannot deadlock.
    FOR lock_key IN SELECT DISTINCT hashtextextended(s, 0) FROM unnest(p_streams) AS s ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(lock_key);
    END LOOP;

    FOR j IN 1 .. cardinality(p_streams) LOOP
        SELECT s.version, s.head_hash, s.epoch INTO v, h, ep FROM streams s WHERE s.stream_id = p_streams[j];
        IF ep IS NULL AND coalesce(p_expected[j], 0) = 0 THEN
            v := 0;
            h := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
            ep := gen_random_uuid();
            INSERT INTO streams (stream_id, version, first_version, base_hash, head_hash, epoch)
            VALUES (p_streams[j], 0, 1, h, h, ep);
        ELSIF ep IS NULL OR v <> coalesce(p_expected[j], v) THEN
            stream_version := NULL;
            first_position := NULL;
            last_position := NULL;
            epoch := NULL;
            RETURN NEXT;
            done := done + p_counts[j];
            CONTINUE;
        END IF;

        stream_digest := sha256(convert_to(p_streams[j], 'UTF8'));
        FOR i IN done + 1 .. done + p_counts[j] LOOP
            v := v + 1;
            INSERT INTO events (stream_id, version, event_id, event_type, schema_version, payload, metadata, recorded_at, prev_hash)
            VALUES (p_streams[j], v, p_ids[i], p_types[i], p_schema_versions[i], p_payloads[i], p_metadata[i], now(), h)
            RETURNING position INTO pos;
            IF i = done + 1 THEN
                first_pos := pos;
            END IF;
            h := sha256(h || int8send(v) || uuid_send(p_ids[i]) || int4send(p_schema_versions[i]) || int8send(micros)
                        || stream_digest
                        || sha256(convert_to(p_types[i], 'UTF8'))
                        || sha256(convert_to(p_payloads[i], 'UTF8'))
                        || sha256(convert_to(p_metadata[i], 'UTF8')));
        END LOOP;
        UPDATE streams SET version = v, head_hash = h WHERE stream_id = p_streams[j];
        stream_version := v;
        first_position := first_pos;
        last_position := pos;
        epoch := ep;
        RETURN NEXT;
        done := done + p_counts[j];
    END LOOP;
END
$$;

-- One index fewer for every event: (xid, position) becomes the primary key, in
-- place of position alone and the separate (xid, position) index. Positions
-- still come from the identity sequence; nothing looks an event up by position
-- alone, and read_all, end_cursor and held_back walk this index as before.
ALTER TABLE events DROP CONSTRAINT events_pkey;
DROP INDEX events_xid_position;
ALTER TABLE events ADD PRIMARY KEY (xid, position);
