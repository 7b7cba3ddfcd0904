CREATE SCHEMA IF NOT EXISTS "orders";
--> statement-breakpoint
CREATE TYPE "orders"."order_status" AS ENUM('pending', 'paid', 'cancelled', 'refunded');--> statement-breakpoint
CREATE TABLE "orders"."idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders"."order_lines" (
	"order_id" uuid NOT NULL,
	"line_number" integer NOT NULL,
	"product_id" integer NOT NULL,
	"name" text NOT NULL,
	"unit_price_cents" integer NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "order_lines_order_id_line_number_pk" PRIMARY KEY("order_id","line_number"),
	CONSTRAINT "order_lines_quantity_positive" CHECK (quantity > 0),
	CONSTRAINT "order_lines_price_not_negative" CHECK (unit_price_cents >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders"."orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" text,
	"session_id" text,
	"status" "orders"."order_status" DEFAULT 'pending' NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"total_cents" integer NOT NULL,
	"transaction_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_total_not_negative" CHECK (total_cents >= 0),
	CONSTRAINT "orders_paid_have_transaction" CHECK (status in ('pending', 'cancelled') or transaction_id is not null),
	CONSTRAINT "orders_placeholders_cancelled_and_empty" CHECK ((user_id is null) = (session_id is null) and (user_id is not null or (status = 'cancelled' and total_cents = 0)))
);
--> statement-breakpoint
ALTER TABLE "orders"."order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_index" ON "orders"."idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "orders_user_id_created_at_index" ON "orders"."orders" USING btree ("user_id","created_at" DESC NULLS LAST);