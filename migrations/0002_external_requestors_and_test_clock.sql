CREATE TABLE "test_clock" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"offset_ms" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "test_clock_single_row" CHECK ("test_clock"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "allow_external_requestors" boolean DEFAULT false NOT NULL;