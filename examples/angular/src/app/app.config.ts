import { inject, provideAppInitializer, provideZonelessChangeDetection, type ApplicationConfig } from '@angular/core';
import { AuthService } from './auth.service';

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    // Runs once per page load, before the first render: the callback is handled exactly once.
    provideAppInitializer(() => inject(AuthService).handleRedirect()),
  ],
};
