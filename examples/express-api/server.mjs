// An Express API protected by Gatehouse bearer tokens with scopes. Tokens come from Gatehouse's OAuth
// server (client_credentials, resource=http://localhost:4000) or from a user's sign-in.
import { createGatehouseBackend, gatehouseExpress } from '@gatehouse/backend';
import express from 'express';

const port = Number(process.env.PORT ?? 4000);
const gatehouseUrl = process.env.GATEHOUSE_URL ?? 'http://localhost:3000';
const gatehouse = createGatehouseBackend({
  appUrl: gatehouseUrl,
  // First-party tokens (audience: Gatehouse) and OAuth tokens issued for this API (its resource URL).
  audience: [new URL(gatehouseUrl).origin, process.env.API_RESOURCE ?? `http://localhost:${port}`],
});

const notes = [{ id: 1, text: 'Hello from the notes API' }];
const app = express();
app.use(express.json());
app.get('/notes', gatehouseExpress(gatehouse, { scopes: ['notes:read'] }), (req, res) => {
  res.json({ caller: req.gatehouse.userId, notes });
});
app.post('/notes', gatehouseExpress(gatehouse, { scopes: ['notes:write'] }), (req, res) => {
  const note = { id: notes.length + 1, text: String(req.body?.text ?? '') };
  notes.push(note);
  res.status(201).json(note);
});
app.get('/admin/stats', gatehouseExpress(gatehouse, { roles: ['admin'] }), (_req, res) => {
  res.json({ notes: notes.length });
});
app.listen(port, () => console.log(`notes API on http://localhost:${port} (Gatehouse at ${gatehouseUrl})`));
