import { IsString, Length } from 'class-validator';

/** Payload of the `new_msg` push. */
export class NewMessageDto {
  @IsString()
  @Length(1, 2000)
  body!: string;
}
