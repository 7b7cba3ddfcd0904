import type { UserRole } from '@ecomm/contracts';
import type { Database } from '@ecomm/platform';
import { eq } from 'drizzle-orm';
import { users } from '../database/schema.js';

export type User = typeof users.$inferSelect;

export function createUserRepository(db: Database) {
  return {
    /** Inserts a user, or returns undefined when the email is taken. */
    async insert(email: string, passwordHash: string): Promise<User | undefined> {
      const [user] = await db.insert(users).values({ email, passwordHash }).onConflictDoNothing().returning();
      return user;
    },

    async findByEmail(email: string): Promise<User | undefined> {
      const [user] = await db.select().from(users).where(eq(users.email, email));
      return user;
    },

    /** Sets the account's role, or returns undefined when no account has this email. */
    async updateRole(email: string, role: UserRole): Promise<User | undefined> {
      const [user] = await db.update(users).set({ role }).where(eq(users.email, email)).returning();
      return user;
    },

    async findById(id: string): Promise<User | undefined> {
      const [user] = await db.select().from(users).where(eq(users.id, id));
      return user;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
