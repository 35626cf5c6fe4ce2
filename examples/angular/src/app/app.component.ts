import { Component, inject, signal } from '@angular/core';
import { AuthService } from './auth.service';

@Component({
  selector: 'app-root',
  template: `
    @if (auth.error(); as error) {
      <p role="alert">Sign-in failed: {{ error.message }}</p>
    } @else if (!auth.ready()) {
      <p>Loading…</p>
    } @else if (!auth.signedIn()) {
      <button (click)="auth.login()">Sign in</button>
    } @else {
      <p>Signed in as {{ auth.user()?.name ?? auth.user()?.sub }}</p>
      @if (auth.apiUrl) {
        <button (click)="callApi()">Call the API</button>
      }
      @if (answer(); as text) {
        <pre>{{ text }}</pre>
      }
      <button (click)="auth.logout()">Sign out</button>
    }
  `,
})
export class AppComponent {
  protected readonly auth = inject(AuthService);
  protected readonly answer = signal<string | undefined>(undefined);

  async callApi() {
    const response = await this.auth.fetch(`${this.auth.apiUrl}/api/me`);
    this.answer.set(`${response.status} ${await response.text()}`);
  }
}
