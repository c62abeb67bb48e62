// JSON bodies for refget endpoints: the media type says charset=us-ascii, so every non-ASCII
// character is escaped (\uXXXX); JSON.stringify alone would emit raw UTF-8.
import type { FastifyReply } from 'fastify';
import { JSON_TYPE } from './media-types.js';

export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function sendJson(reply: FastifyReply, value: unknown, contentType: string = JSON_TYPE): FastifyReply {
  return reply.type(contentType).send(asciiJson(value));
}
