import { createHash } from 'node:crypto';
import type { AccessToken, Credentials, UserProfile } from '@ecomm/contracts';
import { AppError, type TokenService, type UserRole } from '@ecomm/platform';
import bcrypt from 'bcryptjs';
import type { User, UserRepository } from './user-repository.js';

const invalidCredentials = 'Invalid email or password';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * bcrypt reads only the first 72 bytes; a password of up to 128 characters is hashed to a fixed 44 characters
 * first, so every character counts.
 */
function prehash(password: string) {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

export function createAccountService(dependencies: {
  users: UserRepository;
  tokens: TokenService;
  bcryptRounds: number;
  adminEmails: ReadonlySet<string>;
}) {
  const { users, tokens } = dependencies;
  // The role follows the configured list at every login, so removing an email demotes its next token.
  const roleOf = (email: string): UserRole => (dependencies.adminEmails.has(email.toLowerCase()) ? 'admin' : 'user');
  const toProfile = (user: User): UserProfile => ({
    id: user.id,
    email: user.email,
    role: roleOf(user.email),
    created_at: user.createdAt.toISOString(),
  });
  // Comparing against a real hash for unknown emails keeps both failures equally slow.
  const decoyHash = bcrypt.hashSync(prehash('decoy-password-never-matches'), dependencies.bcryptRounds);

  return {
    async register(credentials: Credentials): Promise<UserProfile> {
      const passwordHash = await bcrypt.hash(prehash(credentials.password), dependencies.bcryptRounds);
      const user = await users.insert(credentials.email, passwordHash);
      if (!user) throw AppError.conflict('An account with this email already exists');
      return toProfile(user);
    },

    async login(credentials: Credentials): Promise<AccessToken> {
      const user = await users.findByEmail(credentials.email);
      const matches = await bcrypt.compare(prehash(credentials.password), user?.passwordHash ?? decoyHash);
      if (!user || !matches) throw AppError.unauthorized(invalidCredentials);
      const accessToken = await tokens.sign({ id: user.id, email: user.email, role: roleOf(user.email) });
      return { access_token: accessToken, token_type: 'bearer', expires_in: tokens.expiresInSeconds };
    },

    async profile(userId: string): Promise<UserProfile> {
      // A well-signed token whose subject is not one of our ids was not issued by this service.
      if (!uuidPattern.test(userId)) throw AppError.unauthorized('Invalid token');
      const user = await users.findById(userId);
      if (!user) throw AppError.notFound('User not found');
      return toProfile(user);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
