import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SessionController } from './session.controller.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.tokenSecret }),
    }),
  ],
  controllers: [SessionController],
  providers: [TokenService],
  exports: [TokenService],
})
export class SessionModule {}
