import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internalHeaders, useTestService } from '@ecomm/testing';
import { productService } from '../src/service.js';

const app = useTestService(productService);

const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: internalHeaders, payload });
const stockOf = async (id: number) =>
  (await app.inject({ method: 'GET', url: `/${id}`, headers: internalHeaders })).json().stock;

describe('restocks', () => {
  test('put units back once per restock id; a repeat adds nothing; other lines under the same id are a 409', async () => {
    const racket = (await post('/', { name: 'Racket', price: 120, stock: 4 })).json();
    const balls = (await post('/', { name: 'Balls', price: 3, stock: 10 })).json();
    const lines = [
      { product_id: balls.id, quantity: 2 },
      { product_id: racket.id, quantity: 1 },
      { product_id: balls.id, quantity: 1 },
    ];
    const first = await post('/restocks', { restock_id: 'return-1', lines });
    assert.equal(first.statusCode, 201);
    assert.deepEqual(first.json().lines, [
      { product_id: racket.id, quantity: 1 },
      { product_id: balls.id, quantity: 3 },
    ]);
    const replay = await post('/restocks', { restock_id: 'return-1', lines });
    assert.deepEqual([replay.statusCode, replay.json()], [200, first.json()]);
    assert.deepEqual([await stockOf(racket.id), await stockOf(balls.id)], [5, 13]);
    const other = await post('/restocks', { restock_id: 'return-1', lines: [{ product_id: balls.id, quantity: 5 }] });
    assert.equal(other.statusCode, 409);
    assert.equal(await stockOf(balls.id), 13);
  });

  test('concurrent repeats of one restock add its units once', async () => {
    const mug = (await post('/', { name: 'Mug', price: 5, stock: 0 })).json();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        post('/restocks', { restock_id: 'cancel-7', lines: [{ product_id: mug.id, quantity: 2 }] }),
      ),
    );
    assert.deepEqual(replies.map((reply) => reply.statusCode).sort(), [200, 200, 200, 200, 201]);
    assert.equal(await stockOf(mug.id), 2);
  });

  test('bad lines are a 400 naming the field', async () => {
    const response = await post('/restocks', { restock_id: 'bad', lines: [{ product_id: 1, quantity: 0 }] });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().message, /body\.lines\.0\.quantity: must be at least 1/);
  });
});
