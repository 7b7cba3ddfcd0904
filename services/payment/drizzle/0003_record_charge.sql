-- Hand-written: records a charge the gateway has answered in one statement, atomic on its own (one round trip where
-- BEGIN, lock timeout, lock, insert and COMMIT took five). A function because each statement in it reads what was
-- committed when that statement began: the void check after the order's lock sees a void that committed while this
-- waited for the lock, which a single plain statement (its snapshot taken before the wait) would not.
-- Answers the recorded row; else, for an order that already has a capture, that capture; nothing for a voided order.
-- lock_timeout 0: the gateway has charged, so giving up on the lock would leave that charge unrecorded (those holding
-- it, a void or another record, are short).
CREATE FUNCTION "payment"."record_charge"(
	"new_id" uuid,
	"of_order" uuid,
	"cents" integer,
	"in_currency" text,
	"outcome" "payment"."payment_status",
	"declined_because" text
) RETURNS SETOF "payment"."payments" LANGUAGE plpgsql VOLATILE SET lock_timeout = 0 AS $$
BEGIN
	-- The void takes the same lock: whichever comes second sees the first.
	PERFORM pg_advisory_xact_lock(hashtext('payment-order:' || of_order::text));
	IF EXISTS (SELECT FROM "payment"."voided_orders" AS voided WHERE voided.order_id = of_order) THEN
		RETURN;
	END IF;
	RETURN QUERY
		INSERT INTO "payment"."payments" ("id", "order_id", "amount_cents", "currency", "status", "reason")
		VALUES (new_id, of_order, cents, in_currency, outcome, declined_because)
		ON CONFLICT DO NOTHING
		RETURNING *;
	IF NOT FOUND THEN
		-- Only a capture conflicts (the unique index on an order's capture): another charge of the order won.
		RETURN QUERY
			SELECT * FROM "payment"."payments" AS capture
			WHERE capture.order_id = of_order AND capture.status IN ('captured', 'partially_refunded', 'refunded');
	END IF;
END
$$;
