import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider } from '../../../client';
import { BOARD_LIMITS as LIMITS } from '../limits';
import { RequestForm } from '../pages/new-request';
import { fakeServer, request, settle, sphere } from './fixtures';

function renderForm() {
  return render(
    <LocationProvider>
      <RequestForm sphere={sphere} />
    </LocationProvider>,
  );
}

describe('the new-request form', () => {
  it('says at once when the title is over the Lexicon limit, and posts nothing', async () => {
    const server = fakeServer({});
    renderForm();
    const title = screen.getByLabelText('Title');
    fireEvent.input(title, { target: { value: 'x'.repeat(LIMITS.requestTitle.maxGraphemes + 1) } });
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Title is too long: 301 characters, at most 300/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('requires a title only once someone tries to post', async () => {
    fakeServer({});
    renderForm();
    expect(screen.queryByText('Title is required.')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(screen.getByText('Title is required.')).toBeTruthy();
  });

  it('posts the request and shows the API message when it is refused', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.featureRequest.createRequest': () => ({
        status: 403,
        body: { error: 'Forbidden', message: 'Only members can post here.' },
      }),
    });
    renderForm();
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: '  Dark mode  ' } });
    fireEvent.input(screen.getByLabelText('Description'), { target: { value: 'Please' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', title: 'Dark mode', description: 'Please' });
    expect(screen.getByRole('alert').textContent).toContain('Only members can post here.');
  });

  it('goes to the new request once posted', async () => {
    fakeServer({
      '/xrpc/site.exosphere.featureRequest.createRequest': () => ({ body: { request: request(12) } }),
    });
    renderForm();
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Dark mode' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(location.pathname).toBe('/s/demo/feature-requests/12');
  });
});
