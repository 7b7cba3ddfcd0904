CREATE SCHEMA IF NOT EXISTS "session";
--> statement-breakpoint
CREATE TABLE "session"."cart_items" (
	"session_id" text NOT NULL,
	"product_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	"position" bigint GENERATED ALWAYS AS IDENTITY (sequence name "session"."cart_items_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	CONSTRAINT "cart_items_session_id_product_id_pk" PRIMARY KEY("session_id","product_id"),
	CONSTRAINT "cart_items_quantity_positive" CHECK (quantity > 0)
);
--> statement-breakpoint
CREATE TABLE "session"."carts" (
	"session_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"active_claim_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session"."checkout_claims" (
	"session_id" text NOT NULL,
	"claim_id" text NOT NULL,
	"status" text NOT NULL,
	"items" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkout_claims_session_id_claim_id_pk" PRIMARY KEY("session_id","claim_id"),
	CONSTRAINT "checkout_claims_status_known" CHECK (status in ('active', 'released', 'completed'))
);
--> statement-breakpoint
CREATE TABLE "session"."idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "session"."cart_items" ADD CONSTRAINT "cart_items_session_id_carts_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "session"."carts"("session_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session"."checkout_claims" ADD CONSTRAINT "checkout_claims_session_id_carts_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "session"."carts"("session_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "carts_user_id_created_at_index" ON "session"."carts" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_index" ON "session"."idempotency_keys" USING btree ("created_at");