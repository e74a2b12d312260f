# PyGObject overrides for the Tilebox namespace: awaitable _async methods.
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later

"""Awaitable ``_async`` methods for libtilebox.

Every method ``foo_async`` of a Tilebox class that has a matching
``foo_finish`` (``Client.list_datasets_async``, ``Dataset.query_async``,
``Collection.ingest_json_async``, ``QueryCursor.next_async``, ...) is
replaced by a wrapper with the same leading arguments and an optional
cancellable::

    foo_async(*args, cancellable=None, callback=None, user_data=None)

* With a callback, the original method is called exactly as before.
* Without a callback, the operation starts at once and an awaitable is
  returned. Awaiting it gives what ``foo_finish`` returns, or raises its
  ``GLib.Error``::

      datasets = await client.list_datasets_async()

  This works in a running asyncio loop (also the one of Jupyter and
  IPython, where a cell can ``await`` directly) and in trio, and therefore
  in anyio on either backend. Under asyncio the awaitable is an
  ``asyncio.Future``; under trio it is an object to await once or more.
  Both carry the operation's ``Gio.Cancellable`` as ``cancellable`` and
  have ``cancel()`` and ``done()``. Outside a running asyncio or trio loop,
  a call without a callback raises ``RuntimeError``; a cancellable that is
  not a ``Gio.Cancellable``, or ``user_data`` without a callback, raises
  ``TypeError``.

* The library calls back on the GLib main context of the thread that
  started the operation. While at least one awaitable is pending, a pump
  task on the running loop (an asyncio task, a trio system task) iterates
  that context without blocking, then sleeps between 0 and 2 ms, and stops
  when nothing is pending. If a GLib main loop already runs that context
  (a GLib-based asyncio event loop, or a loop in another thread), nothing
  is pumped and results are handed to the awaiting loop thread-safely.

* Cancelling the awaiting task (``asyncio.CancelledError``, trio's
  ``Cancelled``, ``Future.cancel()``, a timeout) cancels the operation's
  own ``Gio.Cancellable`` and re-raises. A cancellable given by the caller
  is chained to that one: cancelling it cancels the operation too.

* PyGObject 3.50 and later can await ``_async`` methods natively when the
  running asyncio loop is GLib's own (``gi.events``); there the native
  path is left in charge. In every other case (older PyGObject, the
  default asyncio loop, trio) the wrappers here are used. The decision is
  made by :func:`native_async_in_charge`.

All other attributes of the namespace are left untouched.
"""

import asyncio
import functools
import sys
import threading
import weakref

import gi
from gi.repository import GLib, Gio

from ..module import get_introspection_module

Tilebox = get_introspection_module("Tilebox")

__all__ = []

# Most events dispatched from one GLib context per pump turn, and the
# longest sleep of an idle pump, in seconds.
_MAX_DISPATCH_PER_TURN = 100
_MAX_IDLE_SLEEP = 0.002


def native_async_in_charge(gi_version, loop):
    """Whether PyGObject itself should make the awaitable.

    True only for PyGObject >= 3.50 (``gi_version`` as ``gi.version_info``)
    with ``loop`` a GLib event loop of ``gi.events``.
    """
    if tuple(gi_version) < (3, 50, 0) or loop is None:
        return False
    return any(cls.__module__ == "gi.events" and cls.__name__ == "GLibEventLoop"
               for cls in type(loop).__mro__)


def _running_trio_token():
    trio = sys.modules.get("trio")
    if trio is None:
        return None
    try:
        return trio.lowlevel.current_trio_token()
    except RuntimeError:
        return None


def _running_asyncio_loop():
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# Set while a pump dispatches GLib events on this thread.
_dispatching = threading.local()


class _Pump:
    """Iterates the GLib contexts that pending awaitables wait on."""

    def __init__(self):
        self.pending = {}
        self.running = False
        # asyncio keeps only weak references to tasks
        self.task = None

    def add(self, context):
        self.pending[context] = self.pending.get(context, 0) + 1

    def remove(self, context):
        left = self.pending[context] - 1
        if left:
            self.pending[context] = left
        else:
            del self.pending[context]

    def turn(self):
        """Dispatches what is ready; returns whether anything was."""
        busy = False
        _dispatching.active = True
        try:
            for context in list(self.pending):
                for _ in range(_MAX_DISPATCH_PER_TURN):
                    if not context.pending():
                        break
                    context.iteration(False)
                    busy = True
        finally:
            _dispatching.active = False
        return busy

    @staticmethod
    def next_sleep(busy, sleep):
        if busy:
            return 0
        return min(max(sleep * 2, 0.00025), _MAX_IDLE_SLEEP)

    async def run_asyncio(self):
        sleep = 0
        try:
            while self.pending:
                sleep = self.next_sleep(self.turn(), sleep)
                await asyncio.sleep(sleep)
        finally:
            self.running = False
            self.task = None

    async def run_trio(self):
        trio = sys.modules["trio"]
        sleep = 0
        try:
            while self.pending:
                sleep = self.next_sleep(self.turn(), sleep)
                if sleep:
                    await trio.sleep(sleep)
                else:
                    await trio.lowlevel.checkpoint()
        finally:
            self.running = False
            self.task = None


_asyncio_pumps = weakref.WeakKeyDictionary()
_trio_pump_var = None


def _asyncio_pump(loop):
    pump = _asyncio_pumps.get(loop)
    if pump is None:
        pump = _asyncio_pumps[loop] = _Pump()
    return pump


def _trio_pump():
    global _trio_pump_var
    trio = sys.modules["trio"]
    if _trio_pump_var is None:
        _trio_pump_var = trio.lowlevel.RunVar("tilebox_glib_pump")
    try:
        return _trio_pump_var.get()
    except LookupError:
        pump = _Pump()
        _trio_pump_var.set(pump)
        return pump


def _context_needs_pump(context):
    """False when a GLib main loop already iterates the context."""
    if getattr(_dispatching, "active", False):
        return True
    if GLib.main_depth() > 0:
        return False
    if not context.acquire():
        return False
    context.release()
    return True


class _AsyncioCall(asyncio.Future):
    """The awaitable of an _async call under asyncio."""

    def __init__(self, cancellable, loop):
        super().__init__(loop=loop)
        self.cancellable = cancellable

    def cancel(self, msg=None):
        if not super().cancel(msg):
            return False
        self.cancellable.cancel()
        return True


class _TrioCall:
    """The awaitable of an _async call under trio."""

    def __init__(self, cancellable, name):
        self.cancellable = cancellable
        self._name = name
        self._event = sys.modules["trio"].Event()
        self._value = None
        self._error = None

    def __repr__(self):
        state = "done" if self._event.is_set() else "pending"
        return "<Tilebox awaitable %s (%s)>" % (self._name, state)

    def done(self):
        return self._event.is_set()

    def cancel(self):
        """Cancels the operation; awaiting then raises its cancellation error."""
        self.cancellable.cancel()

    def _resolve(self, value, error):
        if self._event.is_set():
            return
        self._value, self._error = value, error
        self._event.set()

    async def _wait(self):
        try:
            await self._event.wait()
        except BaseException:
            if not self._event.is_set():
                self.cancellable.cancel()
            raise
        if self._error is not None:
            raise self._error
        return self._value

    def __await__(self):
        return self._wait().__await__()


def _chain(caller_cancellable, cancellable):
    """Cancels cancellable when the caller's one is; returns an undo function."""
    if caller_cancellable is None:
        return lambda: None
    # g_cancellable_connect(): runs at once if it is cancelled already.
    handler = caller_cancellable.connect(lambda *_args: cancellable.cancel())
    if handler == 0:
        return lambda: None
    return lambda: caller_cancellable.disconnect(handler)


def _start(self, original, finish, name, kwargs, cancellable_name, callback_name):
    token = _running_trio_token()
    loop = None if token is not None else _running_asyncio_loop()
    if token is None and loop is None:
        raise RuntimeError(
            "%s() without a callback returns an awaitable and needs a running asyncio or trio "
            "event loop; pass a callback, or call it from a coroutine run by asyncio or trio" % name)
    if loop is not None and native_async_in_charge(gi.version_info, loop):
        return original(self, **kwargs)

    caller_cancellable = kwargs.pop(cancellable_name, None)
    if caller_cancellable is not None and not isinstance(caller_cancellable, Gio.Cancellable):
        raise TypeError("%s(): cancellable must be a Gio.Cancellable or None, not %s"
                        % (name, type(caller_cancellable).__name__))
    cancellable = Gio.Cancellable()
    context = GLib.MainContext.get_thread_default() or GLib.MainContext.default()
    if token is not None:
        call = _TrioCall(cancellable, name)
        pump = _trio_pump()
    else:
        call = _AsyncioCall(cancellable, loop)
        pump = _asyncio_pump(loop)
    starting_thread = threading.get_ident()
    pumped = _context_needs_pump(context)

    def resolve(value, error):
        if token is not None:
            call._resolve(value, error)
        elif not call.done():
            if error is not None:
                call.set_exception(error)
            else:
                call.set_result(value)

    def done(source, result):
        if pumped:
            pump.remove(context)
        unchain()
        try:
            value, error = finish(source, result), None
        except Exception as e:
            value, error = None, e
        if threading.get_ident() == starting_thread:
            resolve(value, error)
        elif token is not None:
            token.run_sync_soon(resolve, value, error)
        else:
            loop.call_soon_threadsafe(resolve, value, error)

    unchain = _chain(caller_cancellable, cancellable)
    kwargs[cancellable_name] = cancellable
    kwargs[callback_name] = done
    if pumped:
        pump.add(context)
    try:
        original(self, **kwargs)
    except BaseException:
        unchain()
        if pumped:
            pump.remove(context)
        raise
    if pumped:
        if not pump.running:
            pump.running = True
            if token is not None:
                sys.modules["trio"].lowlevel.spawn_system_task(pump.run_trio, name="tilebox-glib-pump")
            else:
                pump.task = loop.create_task(pump.run_asyncio())
    return call


def _python_arguments(function):
    """The names of the arguments Python callers pass, in order.

    Array lengths, destroy notifiers and out arguments are filled in by
    PyGObject and are not among them.
    """
    arguments = function.get_arguments()
    hidden = set()
    for i, arg in enumerate(arguments):
        if arg.get_direction() == gi._gi.Direction.OUT:
            hidden.add(i)
        if arg.get_destroy() >= 0:
            hidden.add(arg.get_destroy())
        type_info = arg.get_type()
        if type_info.get_tag() == gi._gi.TypeTag.ARRAY and type_info.get_array_length() >= 0:
            hidden.add(type_info.get_array_length())
    return [arg for i, arg in enumerate(arguments) if i not in hidden]


def _make_awaitable(cls_name, original, finish):
    name = original.__name__
    arg_names = []
    cancellable_name = callback_name = user_data_name = None
    all_arguments = original.get_arguments()
    for arg in _python_arguments(original):
        iface = arg.get_type().get_interface()
        kind = (iface.get_namespace(), iface.get_name()) if iface is not None else None
        if kind == ("Gio", "Cancellable"):
            cancellable_name = arg.get_name()
        elif kind == ("Gio", "AsyncReadyCallback"):
            callback_name = arg.get_name()
            closure = arg.get_closure()
            if closure >= 0:
                user_data_name = all_arguments[closure].get_name()
        arg_names.append(arg.get_name())
    if cancellable_name is None or callback_name is None:
        return None

    @functools.wraps(original, assigned=("__name__", "__qualname__", "__module__"))
    def wrapper(self, *args, **kwargs):
        if len(args) > len(arg_names):
            raise TypeError("%s() takes at most %d arguments (%d given)" % (name, len(arg_names), len(args)))
        bound = dict(kwargs)
        for arg_name, value in zip(arg_names, args):
            if arg_name in bound:
                raise TypeError("%s() got multiple values for argument %r" % (name, arg_name))
            bound[arg_name] = value
        if bound.get(callback_name) is not None:
            return original(self, *args, **kwargs)
        if bound.get(user_data_name) is not None:
            raise TypeError("%s(): user_data is only passed to a callback, and no callback was given" % name)
        bound.pop(callback_name, None)
        bound.pop(user_data_name, None)
        return _start(self, original, finish, name, bound, cancellable_name, callback_name)

    wrapper.__qualname__ = "%s.%s" % (cls_name, name)
    wrapper.__doc__ = (
        "%s\n\nWithout a callback, starts the operation and returns an awaitable for a running "
        "asyncio or trio loop; awaiting it gives what %s() returns or raises its GLib.Error. "
        "The cancellable is optional; cancelling the awaiting task cancels the operation."
        % (original.__doc__, finish.__name__))
    wrapper.__wrapped__ = original
    return wrapper


def _override_async_methods():
    repository = gi.Repository.get_default()
    for info in repository.get_infos("Tilebox"):
        if not isinstance(info, (gi._gi.ObjectInfo, gi._gi.InterfaceInfo)):
            continue
        methods = {m.get_name() for m in info.get_methods()}
        cls = getattr(Tilebox, info.get_name())
        for method_name in sorted(methods):
            if not method_name.endswith("_async"):
                continue
            finish_name = method_name[:-len("_async")] + "_finish"
            if finish_name not in methods:
                continue
            wrapper = _make_awaitable(info.get_name(), getattr(cls, method_name), getattr(cls, finish_name))
            if wrapper is not None:
                setattr(cls, method_name, wrapper)


_override_async_methods()
