/* tilebox-error.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "tilebox-error.h"

/**
 * tilebox_error_quark:
 *
 * The quark of the %TILEBOX_ERROR domain.
 *
 * Returns: the error domain quark
 */
G_DEFINE_QUARK (tilebox-error-quark, tilebox_error)
