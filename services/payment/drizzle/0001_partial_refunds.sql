CREATE TABLE "payment"."refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount_cents" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_amount_positive" CHECK (amount_cents > 0)
);
--> statement-breakpoint
-- Hand-edited: the status type gains 'partially_refunded' (an index and a check on the column are dropped and remade).
ALTER TABLE "payment"."payments" DROP CONSTRAINT "payments_refunded_at_set";--> statement-breakpoint
DROP INDEX "payment"."payments_one_capture_per_order";--> statement-breakpoint
ALTER TYPE "payment"."payment_status" RENAME TO "payment_status_before_partial_refunds";--> statement-breakpoint
CREATE TYPE "payment"."payment_status" AS ENUM('captured', 'partially_refunded', 'refunded', 'declined');--> statement-breakpoint
ALTER TABLE "payment"."payments" ALTER COLUMN "status" SET DATA TYPE "payment"."payment_status" USING "status"::text::"payment"."payment_status";--> statement-breakpoint
DROP TYPE "payment"."payment_status_before_partial_refunds";--> statement-breakpoint
ALTER TABLE "payment"."payments" ADD COLUMN "refunded_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- A payment refunded before partial refunds existed was refunded in full, by one refund.
UPDATE "payment"."payments" SET "refunded_cents" = "amount_cents" WHERE "status" = 'refunded';--> statement-breakpoint
INSERT INTO "payment"."refunds" ("id", "payment_id", "amount_cents", "created_at") SELECT 'legacy-' || "id", "id", "amount_cents", "refunded_at" FROM "payment"."payments" WHERE "status" = 'refunded';--> statement-breakpoint
ALTER TABLE "payment"."refunds" ADD CONSTRAINT "refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "payment"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refunds_payment_id_index" ON "payment"."refunds" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_capture_per_order" ON "payment"."payments" USING btree ("order_id") WHERE status in ('captured', 'partially_refunded', 'refunded');--> statement-breakpoint
ALTER TABLE "payment"."payments" ADD CONSTRAINT "payments_refunded_within_amount" CHECK (refunded_cents between 0 and amount_cents);--> statement-breakpoint
ALTER TABLE "payment"."payments" ADD CONSTRAINT "payments_status_matches_refunds" CHECK (case status when 'captured' then refunded_cents = 0 when 'partially_refunded' then refunded_cents between 1 and amount_cents - 1 when 'refunded' then refunded_cents = amount_cents else refunded_cents = 0 end);--> statement-breakpoint
ALTER TABLE "payment"."payments" ADD CONSTRAINT "payments_refunded_at_set" CHECK ((refunded_cents > 0) = (refunded_at is not null));