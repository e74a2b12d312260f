/* tilebox-error.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(TILEBOX_INSIDE) && !defined(TILEBOX_COMPILATION)
#error "Only <tilebox.h> can be included directly."
#endif

#include <glib.h>
#include "tilebox-version.h"

G_BEGIN_DECLS

/**
 * TILEBOX_ERROR:
 *
 * The error domain of libtilebox. Errors in this domain are from the
 * [enum@Tilebox.Error] enumeration.
 *
 * Cancellation is reported as `G_IO_ERROR_CANCELLED` and network, TLS and
 * resolver failures keep their own GIO domains.
 */
#define TILEBOX_ERROR (tilebox_error_quark ())

/**
 * TileboxError:
 * @TILEBOX_ERROR_UNKNOWN: the service failed for a reason it did not say
 *   (Connect code `unknown`, or an HTTP status with no better match)
 * @TILEBOX_ERROR_INVALID_ARGUMENT: a request or an argument was invalid
 *   (`invalid_argument`); also used for bad input rejected by the library
 *   before sending anything
 * @TILEBOX_ERROR_DEADLINE_EXCEEDED: the request timed out (`deadline_exceeded`)
 * @TILEBOX_ERROR_NOT_FOUND: the dataset, collection or datapoint does not exist
 *   (`not_found`)
 * @TILEBOX_ERROR_ALREADY_EXISTS: the thing to create exists already (`already_exists`)
 * @TILEBOX_ERROR_PERMISSION_DENIED: the API key may not do this (`permission_denied`, HTTP 403)
 * @TILEBOX_ERROR_RESOURCE_EXHAUSTED: a quota was used up or a message was too
 *   large (`resource_exhausted`); retried automatically, as the service uses
 *   it for rate limiting too
 * @TILEBOX_ERROR_FAILED_PRECONDITION: the request does not fit the current
 *   state (`failed_precondition`)
 * @TILEBOX_ERROR_ABORTED: the operation was aborted (`aborted`)
 * @TILEBOX_ERROR_OUT_OF_RANGE: a value was out of range (`out_of_range`)
 * @TILEBOX_ERROR_UNIMPLEMENTED: the server does not implement this call
 *   (`unimplemented`, or a bare HTTP 404: the URL is probably not a Tilebox
 *   service)
 * @TILEBOX_ERROR_INTERNAL: the server had an internal error (`internal`)
 * @TILEBOX_ERROR_UNAVAILABLE: the service is unavailable; retried
 *   automatically (`unavailable`, HTTP 502, 503, 504)
 * @TILEBOX_ERROR_DATA_LOSS: data was lost or corrupted (`data_loss`)
 * @TILEBOX_ERROR_UNAUTHENTICATED: no valid API key (`unauthenticated`, HTTP 401)
 * @TILEBOX_ERROR_RATE_LIMITED: too many requests (HTTP 429); retried automatically
 * @TILEBOX_ERROR_PROTOCOL: the response was malformed: not the Connect
 *   protocol or not a valid message
 * @TILEBOX_ERROR_CANCELED: the server reports the call as canceled (`canceled`);
 *   a cancellation through a #GCancellable is `G_IO_ERROR_CANCELLED` instead
 *
 * Error codes in the %TILEBOX_ERROR domain. Those of the service are the
 * Connect protocol codes; the message of such an error keeps the server's
 * own message. An HTTP error without a Connect body is mapped by its status
 * as the Connect protocol says (400 is @TILEBOX_ERROR_INTERNAL, 401
 * @TILEBOX_ERROR_UNAUTHENTICATED, 403 @TILEBOX_ERROR_PERMISSION_DENIED, 404
 * @TILEBOX_ERROR_UNIMPLEMENTED, 502 to 504 @TILEBOX_ERROR_UNAVAILABLE, others
 * @TILEBOX_ERROR_UNKNOWN), except that 429 is @TILEBOX_ERROR_RATE_LIMITED.
 */
typedef enum {
  TILEBOX_ERROR_UNKNOWN,
  TILEBOX_ERROR_INVALID_ARGUMENT,
  TILEBOX_ERROR_DEADLINE_EXCEEDED,
  TILEBOX_ERROR_NOT_FOUND,
  TILEBOX_ERROR_ALREADY_EXISTS,
  TILEBOX_ERROR_PERMISSION_DENIED,
  TILEBOX_ERROR_RESOURCE_EXHAUSTED,
  TILEBOX_ERROR_FAILED_PRECONDITION,
  TILEBOX_ERROR_ABORTED,
  TILEBOX_ERROR_OUT_OF_RANGE,
  TILEBOX_ERROR_UNIMPLEMENTED,
  TILEBOX_ERROR_INTERNAL,
  TILEBOX_ERROR_UNAVAILABLE,
  TILEBOX_ERROR_DATA_LOSS,
  TILEBOX_ERROR_UNAUTHENTICATED,
  TILEBOX_ERROR_RATE_LIMITED,
  TILEBOX_ERROR_PROTOCOL,
  TILEBOX_ERROR_CANCELED,
} TileboxError;

TILEBOX_AVAILABLE_IN_ALL
GQuark tilebox_error_quark (void);

G_END_DECLS
