// JSON bodies for refget endpoints: the media type says charset=us-ascii, so every non-ASCII
// character is escaped (\uXXXX); JSON.stringify alone would emit raw UTF-8.
import type { FastifyReply } from 'fastify';
import { JSON_TYPE } from './media-types.js';

const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;

export function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  // Almost every body is pure ASCII already: test before paying for a replace.
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

export function sendJson(reply: FastifyReply, value: unknown, contentType: string = JSON_TYPE): FastifyReply {
  return reply.type(contentType).send(asciiJson(value));
}
