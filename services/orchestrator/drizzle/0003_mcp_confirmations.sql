CREATE TABLE "orchestrator"."used_confirmations" (
	"nonce" text PRIMARY KEY NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "used_confirmations_expires_at_index" ON "orchestrator"."used_confirmations" USING btree ("expires_at");