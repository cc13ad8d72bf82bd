import { IsString, Matches } from 'class-validator';

/** Body of `POST /api/session`. */
export class CreateSessionDto {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'user must be 1-32 characters of A-Z, a-z, 0-9, _ or -' })
  user!: string;
}
