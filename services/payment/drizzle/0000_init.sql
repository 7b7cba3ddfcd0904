CREATE SCHEMA IF NOT EXISTS "payment";
--> statement-breakpoint
CREATE TYPE "payment"."payment_status" AS ENUM('captured', 'declined', 'refunded');--> statement-breakpoint
CREATE TABLE "payment"."idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment"."payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"status" "payment"."payment_status" NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "payments_amount_positive" CHECK (amount_cents > 0),
	CONSTRAINT "payments_refunded_at_set" CHECK ((status = 'refunded') = (refunded_at is not null))
);
--> statement-breakpoint
CREATE TABLE "payment"."voided_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"voided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_index" ON "payment"."idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_capture_per_order" ON "payment"."payments" USING btree ("order_id") WHERE status in ('captured', 'refunded');--> statement-breakpoint
CREATE INDEX "payments_order_id_created_at_index" ON "payment"."payments" USING btree ("order_id","created_at");