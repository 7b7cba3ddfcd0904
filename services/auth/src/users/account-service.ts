import { createHash } from 'node:crypto';
import type { AccessToken, Credentials, UserProfile, UserRole } from '@ecomm/contracts';
import { AppError, type TokenService } from '@ecomm/platform';
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
}) {
  const { users, tokens } = dependencies;
  const toProfile = (user: User): UserProfile => ({
    id: user.id,
    email: user.email,
    role: user.role,
    created_at: user.createdAt.toISOString(),
  });
  // Comparing against a real hash for unknown emails keeps both failures equally slow.
  const decoyHash = bcrypt.hashSync(prehash('decoy-password-never-matches'), dependencies.bcryptRounds);

  return {
    /** Every new account is a user: nobody's email is verified, so none may earn a role by its address. */
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
      // The role is read at login: a grant or a revocation reaches the account's next token, not the ones it holds.
      const accessToken = await tokens.sign({ id: user.id, email: user.email, role: user.role });
      return { access_token: accessToken, token_type: 'bearer', expires_in: tokens.expiresInSeconds };
    },

    /** The operator's grant or revocation of admin; setting the role an account already has changes nothing. */
    async setRole(email: string, role: UserRole): Promise<UserProfile> {
      const user = await users.updateRole(email, role);
      if (!user)
        throw AppError.notFound(
          `No account has the email ${email}: check its spelling, or have its owner register first (the web app or POST /auth/register)`,
        );
      return toProfile(user);
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
