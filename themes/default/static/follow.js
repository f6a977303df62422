// Following topics and authors without an account: the Follow button of a tag, category or author
// page keeps it in this browser's localStorage, and the home page lists the papers of what is
// followed that arrived since the reader's last visit. Nothing leaves the browser: the papers are
// read from the followed listings' own pages on this site, as the theme writes them
// (partials/item.html: article.item, its .item-title link, time[datetime] and .date-assumed;
// partials/pager.html: a[rel=next]), newest first. An author's page lists exactly that author's
// papers, so no listing needs to say who wrote what.
(function () {
  "use strict";
  var FOLLOWS = "paperfeed-follows"; // [{url, name, kind}]: the listings followed; kind "author" or a topic's
  var LAST_VISIT = "paperfeed-last-visit"; // "YYYY-MM-DD": the newest paper date at the last visit
  var SEEN = "paperfeed-seen"; // paper URLs of that date already seen (papers can arrive later that day)
  var SINCE = "paperfeed-since"; // sessionStorage: this visit's baseline, so a reload shows the same list
  var MAX_PAGES = 4; // pages read per followed listing (100 papers at 25 a page)
  var MAX_SHOWN = 50;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function read(storage, key, fallback) {
    try {
      var value = JSON.parse(storage.getItem(key));
      return value === null ? fallback : value;
    } catch (e) {
      return fallback; // storage disabled or a value that is not JSON
    }
  }
  function write(storage, key, value) {
    storage.setItem(key, JSON.stringify(value)); // throws when storage is disabled or full
  }
  function storageWorks() {
    try {
      localStorage.setItem("paperfeed-test", "1");
      localStorage.removeItem("paperfeed-test");
      sessionStorage.getItem(SINCE);
      return true;
    } catch (e) {
      return false;
    }
  }
  // The stored last visit, a plain "YYYY-MM-DD"; "" when there is none (or it is not a date).
  function lastVisit() {
    try {
      var value = localStorage.getItem(LAST_VISIT) || "";
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : "";
    } catch (e) {
      return "";
    }
  }
  function follows() {
    var list = read(localStorage, FOLLOWS, []);
    return Array.isArray(list) ? list.filter(function (f) { return f && typeof f.url === "string"; }) : [];
  }
  // "2024-03-11" as the site writes dates: "Mar 11, 2024".
  function dateLabel(iso) {
    var parts = iso.split("-").map(Number);
    return MONTHS[parts[1] - 1] + " " + parts[2] + ", " + parts[0];
  }
  function names(list) {
    var all = list.map(function (f) { return f.name; });
    return all.length > 1 ? all.slice(0, -1).join(", ") + " and " + all[all.length - 1] : all.join("");
  }
  // Follows kept before authors could be followed have no kind: they are tags.
  function isAuthor(f) {
    return f.kind === "author";
  }
  // The followed listings in a sentence: "in Speech and LLMs or by Ada Lovelace".
  function where(list, byAuthors) {
    var topics = list.filter(function (f) { return !isAuthor(f); });
    var authors = list.filter(isAuthor);
    var parts = [];
    if (topics.length) parts.push("in " + names(topics));
    if (authors.length) parts.push((byAuthors || "by ") + names(authors));
    return parts.join(" or ");
  }
  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A tag, category or author page's Follow button: aria-pressed says whether it is followed.
  function setUpToggle(button) {
    var topic = { url: button.dataset.followUrl, name: button.dataset.followName, kind: button.dataset.followKind || "tag" };
    var note = button.parentNode.querySelector(".follow-note");
    function followed() {
      return follows().some(function (f) { return f.url === topic.url; });
    }
    function show() {
      button.setAttribute("aria-pressed", followed() ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var now = !followed();
      var rest = follows().filter(function (f) { return f.url !== topic.url; });
      try {
        write(localStorage, FOLLOWS, now ? rest.concat([topic]) : rest);
      } catch (e) {
        note.textContent = "This browser does not let the site remember what you follow.";
        return;
      }
      show();
      note.textContent = now
        ? "Following " + topic.name + ": " + (isAuthor(topic) ? "their" : "its") + " new papers will show on the home page."
        : "No longer following " + topic.name + ".";
    });
    show();
    button.parentNode.hidden = false;
  }

  // The papers of one followed listing dated `since` or later, newest first.
  function collect(topic, since) {
    var found = [];
    function page(url, number) {
      return fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + url);
          return response.text().then(function (html) {
            return { doc: new DOMParser().parseFromString(html, "text/html"), url: response.url };
          });
        })
        .then(function (got) {
          var older = false;
          got.doc.querySelectorAll("article.item").forEach(function (article) {
            var time = article.querySelector("time[datetime]");
            var link = article.querySelector(".item-title a");
            if (!time || !link || older) return;
            var date = time.getAttribute("datetime").slice(0, 10);
            if (date < since) {
              older = true;
              return;
            }
            var href = new URL(link.getAttribute("href"), got.url).pathname;
            // A date no source gave keeps its mark (partials/item.html: .date-assumed).
            var mark = article.querySelector(".date-assumed");
            found.push({ href: href, link: link, date: date, mark: mark, rank: found.length });
          });
          var next = got.doc.querySelector('a[rel="next"]');
          if (older || !next) return { items: found, complete: true };
          if (number >= MAX_PAGES) return { items: found, complete: false };
          return page(new URL(next.getAttribute("href"), got.url).href, number + 1);
        });
    }
    return page(topic.url, 1);
  }

  function render(section, papers, topics, since, complete) {
    var status = section.querySelector(".follow-status");
    var list = section.querySelector(".follow-list");
    var shown = papers.slice(0, MAX_SHOWN);
    var count = papers.length + (complete ? "" : "+");
    status.textContent = papers.length
      ? count + " new paper" + (papers.length === 1 ? "" : "s") + " " + where(topics) + " since " + dateLabel(since) + "."
      : "Nothing new " + where(topics) + " since " + dateLabel(since) + ".";
    if (shown.length < papers.length) status.textContent += " The newest " + shown.length + " are listed here.";
    list.replaceChildren.apply(list, shown.map(function (paper) {
      var item = element("li");
      var link = document.importNode(paper.link, true);
      link.removeAttribute("class");
      link.href = paper.href;
      var time = element("time", "", dateLabel(paper.date));
      time.dateTime = paper.date;
      var meta = element("span", "follow-meta muted");
      var inTopics = paper.topics.filter(function (f) { return !isAuthor(f); });
      var byAuthors = paper.topics.filter(isAuthor);
      meta.append(time);
      if (paper.mark) meta.append(" ", document.importNode(paper.mark, true));
      if (inTopics.length) meta.append(" · " + inTopics.map(function (f) { return f.name; }).join(", "));
      if (byAuthors.length) meta.append(" · by " + names(byAuthors));
      item.append(link, " ", meta);
      return item;
    }));
  }

  // "Following: Speech · LLMs"; with authors, "Following topics: Speech; authors: Ada Lovelace".
  function showFollowed(section, followed) {
    var line = section.querySelector(".follow-topics");
    var groups = [
      { label: "topics", list: followed.filter(function (f) { return !isAuthor(f); }) },
      { label: "authors", list: followed.filter(isAuthor) },
    ].filter(function (group) { return group.list.length; });
    var labelled = groups.length > 1 || isAuthor(followed[0]);
    line.replaceChildren("Following");
    groups.forEach(function (group, g) {
      line.append(labelled ? (g ? "; " : " ") + group.label + ": " : ": ");
      group.list.forEach(function (f, i) {
        var link = element("a", "", f.name);
        link.href = f.url;
        line.append(i ? " · " : "", link);
      });
    });
  }

  // The home page: papers of followed topics and authors newer than the last visit.
  function showNew(section) {
    var topics = follows();
    if (!topics.length) return;
    // The newest paper date the page shows, read before this section adds dates of its own.
    var newest = "";
    document.querySelectorAll("main time[datetime]").forEach(function (time) {
      var date = time.getAttribute("datetime").slice(0, 10);
      if (date > newest) newest = date;
    });
    var baseline = read(sessionStorage, SINCE, null);
    if (!baseline) {
      baseline = { date: lastVisit(), seen: read(localStorage, SEEN, null) };
      write(sessionStorage, SINCE, baseline);
    }
    var status = section.querySelector(".follow-status");
    showFollowed(section, topics);
    section.hidden = false;
    if (!newest) return;
    if (!baseline.date) {
      // A first visit: nothing is new yet; from now on, what arrives is.
      status.textContent = "New papers " + where(topics) + " will be listed here from your next visit on.";
      remember(newest, null);
      return;
    }
    var since = baseline.date;
    var seen = Array.isArray(baseline.seen) ? baseline.seen : null;
    status.textContent = "Looking for new papers " + where(topics) + "…";
    // A listing whose page cannot be read (a tag since removed, a network error) is named, and the
    // others are still shown; the last visit moves on only when every one was read.
    var gathered = topics.map(function (topic) {
      return collect(topic, since).catch(function () { return null; });
    });
    Promise.all(gathered)
      .then(function (results) {
        var failed = topics.filter(function (topic, i) { return results[i] === null; });
        var looked = topics.filter(function (topic, i) { return results[i] !== null; });
        if (!looked.length) throw new Error("no followed listing could be read");
        results = results.map(function (result) { return result || { items: [], complete: true }; });
        var byUrl = new Map();
        var complete = true;
        results.forEach(function (result, i) {
          complete = complete && result.complete;
          result.items.forEach(function (paper) {
            var known = byUrl.get(paper.href);
            if (known) {
              known.topics.push(topics[i]);
              known.rank = Math.min(known.rank, paper.rank);
            } else {
              byUrl.set(paper.href, Object.assign(paper, { topics: [topics[i]], order: i }));
            }
          });
        });
        var all = Array.from(byUrl.values());
        // Papers of the last visit's own day count as new unless that visit saw them (when it said
        // which it saw); older ones never do.
        var fresh = all.filter(function (paper) {
          return paper.date > since || (seen !== null && paper.date === since && seen.indexOf(paper.href) < 0);
        });
        // Newest day first; within a day, the followed listings interleaved in their own order.
        fresh.sort(function (a, b) {
          if (a.date !== b.date) return a.date < b.date ? 1 : -1;
          return a.rank - b.rank || a.order - b.order;
        });
        render(section, fresh, looked, since, complete);
        if (failed.length) {
          status.textContent += " Could not look " + where(failed, "for papers by ") + " just now.";
          return;
        }
        var day = newest > since ? newest : since;
        remember(day, all.filter(function (p) { return p.date === day; }).map(function (p) { return p.href; }));
      })
      .catch(function () {
        status.textContent = "Could not look for new papers " + where(topics) + " just now.";
      });
  }

  function remember(day, seen) {
    try {
      if (lastVisit() > day) return; // never move the last visit back
      localStorage.setItem(LAST_VISIT, day);
      write(localStorage, SEEN, seen);
    } catch (e) {
      /* not remembered: the next visit counts from the same day */
    }
  }

  if (!storageWorks()) return; // without storage there is nothing to follow with
  document.querySelectorAll("button[data-follow-url]").forEach(setUpToggle);
  var section = document.getElementById("follow-new");
  if (section) {
    try {
      showNew(section);
    } catch (e) {
      /* storage refused mid-way: the section stays as it was */
    }
  }
})();
