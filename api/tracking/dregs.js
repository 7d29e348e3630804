/*! dregs.js - the Dregs browser tracker. AGPL-3.0-or-later. Protocol: docs/tracker-protocol.md */
// Install with the queue snippet (docs/tracker-protocol.md, manual section 4.1):
//   window.dregs = window.dregs || function () { (window.dregs.q = window.dregs.q || []).push(arguments); };
//   dregs('init', {key: 'pk_...'});
//   <script src="https://dregs.example.com/dregs.js" async></script>
// Plain ES2017, no dependencies. It never throws into the page: every probe and every send is guarded.
(function (win, doc) {
  "use strict";

  var VERSION = "1.0.0";

  var nav = win.navigator || {};
  var existing = win.dregs;
  if (existing && existing.version) return; // loaded twice: the first copy stays in charge

  // The origin this script came from, captured before anything async runs (currentScript is null later).
  var scriptSrc = "";
  try {
    scriptSrc = (doc.currentScript && doc.currentScript.src) || "";
  } catch (e) {}

  var SESSION_KEY = "dregs.session";
  var IDENTITY_KEY = "dregs.identity";
  var SEND_WAIT_MS = 5000; // the next event goes out after this long even if the previous answer is late
  var KEEPALIVE_MAX = 60000; // browsers cap keepalive bodies in flight at 64 KiB

  var config = null; // {key, endpoint} once init ran
  var waiting = []; // calls made before init
  var outbox = []; // events built, waiting for the signals or for the previous send
  var signals = null; // collected once per page load
  var sending = false;
  var memory = {}; // stands in for sessionStorage where it is unavailable (sandboxed frames, privacy modes)
  var lastUrl = null;

  function attempt(fn, fallback) {
    try {
      var value = fn();
      return value === undefined ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function stored(name) {
    return attempt(function () {
      return win.sessionStorage.getItem(name);
    }, memory[name] || null);
  }

  function store(name, value) {
    memory[name] = value;
    attempt(function () {
      win.sessionStorage.setItem(name, value);
    });
  }

  function randomHex() {
    var bytes = new Uint8Array(16);
    try {
      win.crypto.getRandomValues(bytes);
    } catch (e) {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    var out = "";
    for (var j = 0; j < 16; j++) out += (bytes[j] + 256).toString(16).slice(1);
    return out;
  }

  function session() {
    var id = stored(SESSION_KEY);
    if (!/^[0-9a-f]{32}$/.test(id || "")) {
      id = randomHex();
      store(SESSION_KEY, id);
    }
    return id;
  }

  function pageUrl() {
    return attempt(function () {
      return String(win.location.href).split("#")[0];
    }, null);
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // The event is sent later (after the signals, in order): a copy now, so later changes by the page do not leak in.
  function copy(value) {
    return isObject(value)
      ? attempt(function () {
          return JSON.parse(JSON.stringify(value));
        }, {})
      : {};
  }

  // FNV-1a, 32 bits, as 8 hex digits: a short stable label for a long string, not a secret.
  function fnv1a(text) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0).toString(16).padStart(8, "0");
  }

  // --- signals -------------------------------------------------------------------------------

  function canvasHash() {
    var canvas = doc.createElement("canvas");
    canvas.width = 240;
    canvas.height = 60;
    var ctx = canvas.getContext("2d");
    if (!ctx) return null;
    ctx.textBaseline = "alphabetic";
    ctx.fillStyle = "#f60";
    ctx.fillRect(125, 1, 62, 20);
    ctx.fillStyle = "#069";
    ctx.font = "11pt Arial";
    ctx.fillText("Dregs \u00e9\u00df \u263a \ud83d\ude03 1.0", 2, 15);
    ctx.fillStyle = "rgba(102, 204, 0, 0.7)";
    ctx.font = "18pt Times New Roman";
    ctx.fillText("Cwm fjordbank glyphs vext quiz", 4, 45);
    ctx.globalCompositeOperation = "multiply";
    ctx.fillStyle = "rgb(255,0,255)";
    ctx.beginPath();
    ctx.arc(50, 50, 30, 0, Math.PI * 2, true);
    ctx.closePath();
    ctx.fill();
    ctx.fillStyle = "rgb(0,255,255)";
    ctx.beginPath();
    ctx.arc(90, 30, 25, 0, Math.PI * 2, true);
    ctx.closePath();
    ctx.fill();
    return fnv1a(canvas.toDataURL());
  }

  function webgl() {
    var canvas = doc.createElement("canvas");
    var gl = canvas.getContext("webgl") || canvas.getContext("experimental-webgl");
    if (!gl) return null;
    var info = gl.getExtension("WEBGL_debug_renderer_info");
    var result = {
      vendor: String(gl.getParameter(info ? info.UNMASKED_VENDOR_WEBGL : gl.VENDOR)).slice(0, 256),
      renderer: String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)).slice(0, 256),
    };
    var lose = gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext();
    return result;
  }

  var FONT_PROBES = [
    "Arial", "Arial Black", "Calibri", "Cambria", "Comic Sans MS", "Consolas", "Courier New", "DejaVu Sans",
    "Georgia", "Helvetica", "Helvetica Neue", "Impact", "Liberation Sans", "Lucida Grande", "Menlo", "Monaco",
    "Noto Sans", "Roboto", "Segoe UI", "Tahoma", "Times New Roman", "Trebuchet MS", "Ubuntu", "Verdana",
  ];
  var GENERIC = ["monospace", "sans-serif", "serif"];

  // A font is installed when text set in it, falling back to a generic family, measures unlike the generic alone.
  function fonts() {
    var ctx = doc.createElement("canvas").getContext("2d");
    if (!ctx) return null;
    var sample = "mmmmmmmmmmlli WwQq@#0123";
    function width(family) {
      ctx.font = "72px " + family;
      return ctx.measureText(sample).width;
    }
    var base = GENERIC.map(width);
    return FONT_PROBES.filter(function (name) {
      return GENERIC.some(function (generic, i) {
        return width("'" + name + "'," + generic) !== base[i];
      });
    });
  }

  function plugins() {
    return Array.prototype.map.call(nav.plugins || [], function (plugin) {
      return plugin.name;
    });
  }

  function keysOf(target) {
    return attempt(function () {
      return Object.getOwnPropertyNames(target);
    }, []);
  }

  function hasAny(target, names) {
    return names.some(function (name) {
      return attempt(function () {
        return name in target;
      }, false);
    });
  }

  function automation() {
    var found = [];
    var winKeys = keysOf(win);
    var docKeys = keysOf(doc);
    var html = doc.documentElement;
    function mark(name, test) {
      if (attempt(test, false)) found.push(name);
    }
    mark("webdriver", function () {
      return nav.webdriver === true || (html && html.getAttribute("webdriver") !== null);
    });
    mark("selenium", function () {
      var names = [
        "__selenium_unwrapped", "__selenium_evaluate", "__webdriver_evaluate", "__webdriver_unwrapped",
        "__webdriver_script_fn", "__webdriver_script_func", "__webdriver_script_function", "__webdriverFunc",
        "__driver_evaluate", "__driver_unwrapped", "__fxdriver_evaluate", "__fxdriver_unwrapped",
        "_Selenium_IDE_Recorder", "_selenium", "calledSelenium", "__lastWatirAlert",
      ];
      return (
        hasAny(win, names) ||
        hasAny(doc, names) ||
        docKeys.concat(winKeys).some(function (key) {
          return /^\$?cdc_|^\$wdc_/.test(key);
        }) ||
        (html && (html.getAttribute("selenium") !== null || html.getAttribute("driver") !== null))
      );
    });
    mark("playwright", function () {
      return hasAny(win, ["__playwright__binding__", "__pwInitScripts", "__playwright_evaluation_script__"]);
    });
    mark("puppeteer", function () {
      return (
        winKeys.some(function (key) {
          return /puppeteer/i.test(key);
        }) || /__puppeteer_evaluation_script__/.test(String(new Error("").stack))
      );
    });
    mark("phantomjs", function () {
      return hasAny(win, ["callPhantom", "_phantom", "phantom"]);
    });
    mark("nightmare", function () {
      return hasAny(win, ["__nightmare", "nightmare"]);
    });
    mark("domAutomation", function () {
      return hasAny(win, ["domAutomation", "domAutomationController"]);
    });
    return found;
  }

  function permissionState() {
    return new Promise(function (resolve) {
      setTimeout(resolve, 250, null);
      nav.permissions.query({ name: "notifications" }).then(
        function (status) {
          resolve(status.state);
        },
        function () {
          resolve(null);
        },
      );
    });
  }

  async function collect() {
    var scr = win.screen || {};
    var uaData = nav.userAgentData;
    var result = {
      userAgent: attempt(function () {
        return String(nav.userAgent);
      }, ""),
      uaData: attempt(function () {
        return uaData
          ? {
              brands: (uaData.brands || []).map(function (b) {
                return { brand: b.brand, version: b.version };
              }),
              mobile: uaData.mobile,
              platform: uaData.platform,
            }
          : null;
      }, null),
      platform: attempt(function () {
        return nav.platform;
      }, null),
      vendor: attempt(function () {
        return nav.vendor;
      }, null),
      language: attempt(function () {
        return nav.language;
      }, null),
      languages: attempt(function () {
        return Array.prototype.slice.call(nav.languages || []);
      }, null),
      timezone: attempt(function () {
        return Intl.DateTimeFormat().resolvedOptions().timeZone;
      }, null),
      timezoneOffset: attempt(function () {
        return new Date().getTimezoneOffset();
      }, null),
      screen: attempt(function () {
        return {
          width: scr.width,
          height: scr.height,
          availWidth: scr.availWidth,
          availHeight: scr.availHeight,
          colorDepth: scr.colorDepth,
          pixelRatio: win.devicePixelRatio,
        };
      }, null),
      window: attempt(function () {
        return {
          innerWidth: win.innerWidth,
          innerHeight: win.innerHeight,
          outerWidth: win.outerWidth,
          outerHeight: win.outerHeight,
        };
      }, null),
      hardwareConcurrency: attempt(function () {
        return nav.hardwareConcurrency;
      }, null),
      deviceMemory: attempt(function () {
        return nav.deviceMemory;
      }, null),
      maxTouchPoints: attempt(function () {
        return nav.maxTouchPoints;
      }, null),
      canvas: attempt(canvasHash, null),
      webgl: attempt(webgl, null),
      fonts: attempt(fonts, null),
      plugins: attempt(plugins, null),
      cookieEnabled: attempt(function () {
        return nav.cookieEnabled;
      }, null),
      pdfViewerEnabled: attempt(function () {
        return nav.pdfViewerEnabled;
      }, null),
      webdriver: attempt(function () {
        return nav.webdriver;
      }, null),
      automation: attempt(automation, []),
      chrome: attempt(function () {
        return !!win.chrome;
      }, null),
      notificationPermission: attempt(function () {
        return win.Notification.permission;
      }, null),
      permissionState: null,
    };
    try {
      result.permissionState = await permissionState();
    } catch (e) {}
    // What the browser does not offer is left out rather than sent as null (the protocol allows either).
    Object.keys(result).forEach(function (name) {
      if (result[name] === null || result[name] === undefined) delete result[name];
    });
    return result;
  }

  // --- sending -------------------------------------------------------------------------------

  function post(event) {
    try {
      event.device.signals = signals;
      var body = JSON.stringify(event);
      var sent = fetch(config.endpoint, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        keepalive: body.length < KEEPALIVE_MAX,
        headers: { Authorization: "Bearer " + config.key, "Content-Type": "application/json" },
        body: body,
      });
      return Promise.race([
        sent.then(
          function () {},
          function () {},
        ),
        new Promise(function (resolve) {
          setTimeout(resolve, SEND_WAIT_MS);
        }),
      ]);
    } catch (e) {
      return Promise.resolve();
    }
  }

  // One event at a time, in the order they were made, so the server records them in that order.
  function pump() {
    if (sending || !signals || !outbox.length) return;
    sending = true;
    post(outbox.shift()).then(function () {
      sending = false;
      pump();
    });
  }

  // Leaving the page: whatever is still waiting goes out at once (keepalive carries it past unload).
  function flush() {
    if (!signals) return;
    while (outbox.length) post(outbox.shift());
  }

  function enqueue(type, data, identity) {
    var id = stored(IDENTITY_KEY);
    var event = {
      id: randomHex(),
      type: type,
      data: copy(data),
      source: "dregs.js/" + VERSION,
      device: { session: session(), url: pageUrl() },
    };
    if (identity) event.identity = identity;
    else if (id !== null) event.identity = { id: id, data: {} };
    outbox.push(event);
    pump();
  }

  function pageView() {
    var url = pageUrl();
    if (url === lastUrl) return;
    lastUrl = url;
    enqueue("page_view", {});
  }

  function watchNavigation() {
    ["pushState", "replaceState"].forEach(function (name) {
      var original = win.history && win.history[name];
      if (typeof original !== "function") return;
      win.history[name] = function () {
        var result = original.apply(this, arguments);
        attempt(pageView);
        return result;
      };
    });
    win.addEventListener("popstate", function () {
      attempt(pageView);
    });
  }

  function start() {
    collect().then(
      function (collected) {
        signals = collected;
        pump();
      },
      function () {
        signals = {
          userAgent: attempt(function () {
            return String(nav.userAgent);
          }, ""),
        };
        pump();
      },
    );
  }

  // --- the public methods ----------------------------------------------------------------------

  var methods = {
    init: function (options) {
      if (config || !isObject(options) || typeof options.key !== "string") return;
      if (options.key.indexOf("sk_") === 0) {
        console.warn("dregs: a secret key (sk_) must never be used in the browser; use the public key (pk_)");
        return;
      }
      var base = attempt(function () {
        return new URL(scriptSrc, win.location.href).origin;
      }, "");
      config = { key: options.key, endpoint: options.endpoint || base + "/api/events" };
      enqueue("dregs_init", {});
      pageView();
      attempt(watchNavigation);
      win.addEventListener("pagehide", flush);
      if (doc.readyState === "complete") start();
      else win.addEventListener("load", start);
      var before = waiting;
      waiting = [];
      before.forEach(function (args) {
        call(args[0], args.slice(1));
      });
    },
    identify: function (id, data) {
      if (id === null || id === undefined || id === "") return;
      id = String(id);
      store(IDENTITY_KEY, id);
      enqueue("dregs_identify", {}, { id: id, data: copy(data) });
    },
    track: function (type, data) {
      if (typeof type !== "string" || !type) return;
      enqueue(type, data);
    },
  };

  function call(name, args) {
    try {
      if (!Object.prototype.hasOwnProperty.call(methods, name)) return;
      if (!config && name !== "init") waiting.push([name].concat(args));
      else methods[name].apply(null, args);
    } catch (e) {}
  }

  function dregs(name) {
    call(name, Array.prototype.slice.call(arguments, 1));
  }
  Object.keys(methods).forEach(function (name) {
    dregs[name] = function () {
      call(name, Array.prototype.slice.call(arguments));
    };
  });
  dregs.version = VERSION;

  var queued = (existing && existing.q) || [];
  win.dregs = dregs;
  queued.forEach(function (args) {
    dregs.apply(null, Array.prototype.slice.call(args));
  });
})(window, document);
