import { Component, inject, signal } from '@angular/core';
import { AuthService } from './auth.service';

@Component({
  selector: 'app-root',
  template: `
    @if (auth.error(); as error) {
      <p role="alert">{{ error.message }}</p>
    }
    @if (!auth.ready() && !auth.error()) {
      <p>Loading…</p>
    } @else if (auth.signedIn()) {
      <p>Signed in as {{ auth.user()?.name ?? auth.user()?.sub }}</p>
      @if (auth.apiUrl) {
        <button (click)="callApi()">Call the API</button>
      }
      @if (answer(); as text) {
        <pre>{{ text }}</pre>
      }
      <button (click)="auth.logout()">Sign out</button>
    } @else {
      <button (click)="auth.login()">Sign in</button>
    }
  `,
})
export class AppComponent {
  protected readonly auth = inject(AuthService);
  protected readonly answer = signal<string | undefined>(undefined);

  async callApi() {
    try {
      const response = await this.auth.fetch(`${this.auth.apiUrl}/api/me`);
      this.answer.set(`${response.status} ${await response.text()}`);
    } catch (error) {
      this.auth.error.set(error as Error);
    }
  }
}
