(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("guide-data").textContent);
  var tracks = data.tracks;
  var audio = document.getElementById("audio");
  var statusBox = document.getElementById("status");
  var nowTitle = document.getElementById("now-title");
  var playButton = document.getElementById("play");
  var speed = document.getElementById("speed");
  var scroller = document.getElementById("transcript-text");
  var chapterButtons = Array.prototype.slice.call(document.querySelectorAll("#chapters button[data-track]"));
  var texts = Array.prototype.slice.call(document.querySelectorAll("#transcript-text article[data-track]"));
  var reduceMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var SKIP = data.skip_seconds || 10;
  var current = -1;
  var lit = null;

  function label(i) {
    return "Chapter " + tracks[i].number + " of " + tracks.length + ": " + tracks[i].title;
  }

  function announce(text) {
    // The same text twice in a row would not be read again: make it differ.
    statusBox.textContent = statusBox.textContent === text ? text + "\u00a0" : text;
  }

  function start() {
    var promise = audio.play();
    if (promise && promise.catch) {
      promise.catch(function (error) {
        if (error && error.name !== "AbortError") announce("The audio could not start: " + error.message);
      });
    }
  }

  function select(i, options) {
    if (i < 0 || i >= tracks.length) {
      if (options.announce) announce(i < 0 ? "This is the first chapter." : "This is the last chapter.");
      return;
    }
    var track = tracks[i];
    if (i !== current) {
      current = i;
      chapterButtons.forEach(function (button, j) {
        if (j === i) button.setAttribute("aria-current", "true");
        else button.removeAttribute("aria-current");
      });
      texts.forEach(function (text, j) { text.hidden = j !== i; });
      nowTitle.textContent = label(i);
      document.title = track.title + " \u2013 " + data.title;
      if (audio.getAttribute("src") !== track.src) audio.src = track.src;
      light(-1);
      scroller.scrollTop = 0;
      if (options.announce) {  // a listener's choice: keep it in the address, for reloads and bookmarks
        try { history.replaceState(null, "", "#chapter-" + track.number); } catch (error) { /* some file:// */ }
      }
    }
    if (options.play) start();
    if (options.announce) announce(label(i));
  }

  function step(delta) {
    select(current + delta, { play: !audio.paused, announce: true });
  }

  function toggle() {
    if (audio.paused) {
      start();
      announce("Playing. " + label(current));
    } else {
      audio.pause();
      announce("Paused.");
    }
  }

  function skip(seconds) {
    if (!isFinite(audio.duration)) return;
    audio.currentTime = Math.max(0, Math.min(audio.duration, audio.currentTime + seconds));
    announce((seconds < 0 ? "Back " : "Forward ") + Math.abs(seconds) + " seconds.");
  }

  function light(k) {
    var element = k >= 0 ? document.getElementById("s-" + tracks[current].number + "-" + k) : null;
    if (element === lit) return;
    if (lit) lit.classList.remove("now");
    lit = element;
    if (!element) return;
    element.classList.add("now");
    var top = element.offsetTop, view = scroller.scrollTop, height = scroller.clientHeight;
    if (scroller.scrollHeight > height && (top < view || top + element.offsetHeight > view + height)) {
      var smooth = !(reduceMotion && reduceMotion.matches);
      scroller.scrollTo({ top: Math.max(0, top - height / 4), behavior: smooth ? "smooth" : "auto" });
    }
  }

  function follow() {
    if (current < 0) return;
    var sentences = tracks[current].sentences, time = audio.currentTime, found = -1;
    for (var k = 0; k < sentences.length && sentences[k].start_s <= time + 0.05; k++) found = k;
    light(found);
  }

  function syncPlayButton() {
    playButton.textContent = audio.paused ? "Play" : "Pause";
  }

  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("seeked", follow);
  audio.addEventListener("play", syncPlayButton);
  audio.addEventListener("pause", syncPlayButton);
  audio.addEventListener("ended", function () {
    light(-1);
    if (current < tracks.length - 1) select(current + 1, { play: true, announce: true });
    else announce("End of the guide.");
  });
  audio.addEventListener("error", function () {
    if (current >= 0) announce("The audio of " + label(current) + " could not be loaded.");
  });

  chapterButtons.forEach(function (button, j) {
    button.addEventListener("click", function () { select(j, { play: true, announce: true }); });
  });
  document.getElementById("prev").addEventListener("click", function () { step(-1); });
  document.getElementById("next").addEventListener("click", function () { step(1); });
  playButton.addEventListener("click", toggle);
  speed.addEventListener("change", function () {
    var rate = parseFloat(speed.value) || 1;
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
  });

  var CONTROLS = { BUTTON: 1, AUDIO: 1, VIDEO: 1, A: 1, SUMMARY: 1, INPUT: 1, SELECT: 1, TEXTAREA: 1 };
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.repeat) return;
    var target = event.target || document.body;
    var tag = target.tagName || "";
    if (event.altKey) {
      if (event.shiftKey) return;
      if (event.key === "ArrowRight") step(1);
      else if (event.key === "ArrowLeft") step(-1);
      else return;
      event.preventDefault();
      return;
    }
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target.isContentEditable) return;
    switch (event.key) {
      case "n": case "N": case "]": step(1); break;
      case "p": case "P": case "[": step(-1); break;
      case "k": case "K": toggle(); break;
      case "j": case "J": skip(-SKIP); break;
      case "l": case "L": skip(SKIP); break;
      case " ": case "Spacebar":
        if (CONTROLS[tag]) return;
        toggle();
        break;
      default: return;
    }
    event.preventDefault();
  });
  var first = 0;
  var match = /^#chapter-(\d+)$/.exec(window.location.hash);
  if (match) {
    tracks.forEach(function (track, j) { if (String(track.number) === match[1]) first = j; });
  }
  document.getElementById("controls").hidden = false;
  document.documentElement.classList.add("js");
  select(first, { play: false, announce: false });
  syncPlayButton();
})();
